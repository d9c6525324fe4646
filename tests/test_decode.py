import codecs
import time

import pytest

from variorum.decode import decode_bytes
from variorum.errors import InputError

# Own sample texts, long enough (a short news paragraph) for encoding detection.
SAMPLES = {
    "de": (
        "Die Regierung in Berlin hat am Donnerstag neue Maßnahmen gegen die steigenden "
        "Energiepreise beschlossen. Künftig sollen Haushalte mit geringem Einkommen einen "
        "Zuschuss für die Heizkosten erhalten. Der Wirtschaftsminister äußerte sich "
        "zufrieden über die Einigung, während die Opposition die Pläne als völlig "
        "unzureichend kritisierte. Über die Finanzierung wird im Bundestag noch gestritten."
    ),
    "fr": (
        "Le gouvernement français a annoncé jeudi une série de mesures pour soutenir les "
        "ménages face à la hausse des prix de l'énergie. Les familles les plus modestes "
        "recevront une aide exceptionnelle dès le mois prochain. Le ministre de l'Économie "
        "s'est félicité de cet accord, tandis que l'opposition a dénoncé des décisions "
        "trop tardives et très insuffisantes pour les régions rurales."
    ),
    "ru": (
        "Правительство в четверг объявило о новых мерах поддержки семей в связи с ростом "
        "цен на энергоносители. Малообеспеченные семьи получат единовременную выплату уже "
        "в следующем месяце. Министр экономики выразил удовлетворение достигнутым "
        "соглашением, однако оппозиция назвала эти решения запоздалыми и недостаточными."
    ),
    "ar": (
        "أعلنت الحكومة يوم الخميس عن مجموعة من الإجراءات الجديدة لدعم الأسر في مواجهة "
        "ارتفاع أسعار الطاقة. وستحصل الأسر ذات الدخل المحدود على مساعدة استثنائية اعتبارا "
        "من الشهر المقبل. وأعرب وزير الاقتصاد عن ارتياحه لهذا الاتفاق، في حين انتقدت "
        "المعارضة هذه القرارات ووصفتها بأنها متأخرة وغير كافية."
    ),
    "es": (
        "El Gobierno anunció el jueves un paquete de medidas para ayudar a las familias "
        "ante la subida de los precios de la energía. Los hogares con menos ingresos "
        "recibirán una ayuda extraordinaria a partir del próximo mes. El ministro de "
        "Economía se mostró satisfecho con el acuerdo, mientras que la oposición calificó "
        "las decisiones de tardías e insuficientes para las zonas rurales y pequeñas."
    ),
}

LEGACY = [
    ("de", "cp1252"),
    ("de", "latin-1"),
    ("fr", "cp1252"),
    ("fr", "latin-1"),
    ("es", "cp1252"),
    ("ru", "cp1251"),
    ("ru", "koi8-r"),
    ("ar", "cp1256"),
    ("ar", "iso-8859-6"),
]


@pytest.mark.parametrize(("lang", "encoding"), LEGACY)
def test_legacy_encodings_are_detected(lang: str, encoding: str) -> None:
    text = SAMPLES[lang]
    assert decode_bytes(text.encode(encoding), "a.txt") == text


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"plain ascii", "plain ascii"),
        ("Grüße, Мир".encode(), "Grüße, Мир"),
        (codecs.BOM_UTF8 + "Grüße".encode(), "Grüße"),
        (codecs.BOM_UTF16_LE + "Grüße\r\nМир".encode("utf-16-le"), "Grüße\nМир"),
        (codecs.BOM_UTF16_BE + "Grüße".encode("utf-16-be"), "Grüße"),
        (codecs.BOM_UTF32_LE + "Grüße 😀".encode("utf-32-le"), "Grüße 😀"),
        (codecs.BOM_UTF32_BE + "Grüße".encode("utf-32-be"), "Grüße"),
        (b"a\r\nb\rc\nd\r\n\r\ne", "a\nb\nc\nd\n\ne"),
        (b"bell\x07 and tab\t and esc\x1b kept", "bell\x07 and tab\t and esc\x1b kept"),
        (b"", ""),
    ],
)
def test_unicode_and_line_endings(data: bytes, expected: str) -> None:
    assert decode_bytes(data) == expected


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "x.txt: looks like a PNG image, not text"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "x.txt: looks like a PDF document, not text"),
        (
            b"PK\x03\x04\x14\x00\x00\x00",
            "x.txt: looks like a ZIP archive (or a DOCX/ODT/EPUB document), not text",
        ),
        (b"\x1f\x8b\x08\x00\x00\x00\x00\x00", "x.txt: looks like a GZIP archive, not text"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "x.txt: looks like a JPEG image, not text"),
        (b"GIF89a\x01\x00\x01\x00", "x.txt: looks like a GIF image, not text"),
        (
            b"some text\x00\x01\x02\x03 more \x00 bytes",
            "x.txt: looks like binary data (it contains NUL bytes), not text",
        ),
        (
            "Hello world, this is text".encode("utf-16-le"),
            "x.txt: looks like UTF-16 (little-endian) text without a byte order mark; "
            "re-save it as UTF-8, or as UTF-16 with a BOM",
        ),
        (
            "Hello world, this is text".encode("utf-16-be"),
            "x.txt: looks like UTF-16 (big-endian) text without a byte order mark; "
            "re-save it as UTF-8, or as UTF-16 with a BOM",
        ),
        (
            "Grüße aus Köln.\nZweite Zeile: schön.\n".encode() + b"Dritte \xe4 Zeile\n",
            "x.txt: invalid UTF-8 at line 3, byte offset 48 (byte 0xe4); the rest is UTF-8, "
            "so fix that spot or re-save the file as UTF-8",
        ),
        (
            codecs.BOM_UTF16_LE + b"a\x00b",
            "x.txt: starts with a UTF-16 byte order mark but is not valid UTF-16 (byte offset 4)",
        ),
    ],
)
def test_refusals(data: bytes, message: str) -> None:
    with pytest.raises(InputError) as e:
        decode_bytes(data, "x.txt")
    assert str(e.value) == message
    assert "\n" not in str(e.value)


def test_utf8_with_a_bad_byte_is_not_guessed_as_legacy() -> None:
    data = ("Привет, мир. " * 50).encode() + b"\xff" + ("Ещё текст. " * 50).encode()
    with pytest.raises(InputError, match=r"invalid UTF-8 at line 1, byte offset 1100"):
        decode_bytes(data, "x.txt")


def test_large_input_is_fast() -> None:
    line = (
        "Die Regierung hat am Donnerstag beschlossen, dass es so bleibt. " * 3 + "\r\n"
    ).encode()
    data = line * (20_000_000 // len(line))
    start = time.perf_counter()
    text = decode_bytes(data, "big.txt")
    elapsed = time.perf_counter() - start
    assert len(text) == len(data) - data.count(b"\r")
    assert "\r" not in text
    assert elapsed < 2.0
    legacy = SAMPLES["ru"].encode("cp1251") * (5_000_000 // len(SAMPLES["ru"]))
    start = time.perf_counter()
    assert decode_bytes(legacy, "big.txt").startswith(SAMPLES["ru"])
    assert time.perf_counter() - start < 3.0
