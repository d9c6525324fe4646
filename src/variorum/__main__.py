from variorum.cli import cli

cli(prog_name="variorum")
