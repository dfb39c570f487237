"""Language of the article text (not of the UI around it), as a BCP 47 primary tag."""

from __future__ import annotations

import functools

from py3langid.langid import MODEL_FILE, LanguageIdentifier

SAMPLE_CHARS = 1200  # several sentences: enough for a confident guess, and fast
# Languages a news article may plausibly be in; restricting the model avoids
# rare look-alikes (la, an, wa, ...) winning on short texts.
LANGUAGES = [
    "af",
    "ar",
    "bg",
    "bn",
    "ca",
    "cs",
    "cy",
    "da",
    "de",
    "el",
    "en",
    "es",
    "et",
    "eu",
    "fa",
    "fi",
    "fr",
    "ga",
    "gl",
    "gu",
    "he",
    "hi",
    "hr",
    "hu",
    "hy",
    "id",
    "is",
    "it",
    "ja",
    "ka",
    "kk",
    "km",
    "kn",
    "ko",
    "lt",
    "lv",
    "mk",
    "ml",
    "mn",
    "mr",
    "ms",
    "mt",
    "my",
    "ne",
    "nl",
    "nn",
    "no",
    "pa",
    "pl",
    "ps",
    "pt",
    "ro",
    "ru",
    "si",
    "sk",
    "sl",
    "so",
    "sq",
    "sr",
    "sv",
    "sw",
    "ta",
    "te",
    "th",
    "tl",
    "tr",
    "uk",
    "ur",
    "uz",
    "vi",
    "zh",
]


@functools.cache
def _identifier() -> LanguageIdentifier:
    identifier = LanguageIdentifier.from_model_file(MODEL_FILE)
    identifier.set_languages(LANGUAGES)
    # The model's feature weights are float16 in column order: a text's few hundred
    # rows were gathered across the table and widened to float32 for the product on
    # every call (a third of the time). Widened once, row by row, the same product
    # gives the same scores bit for bit (float16 -> float32 is exact), 15 MB larger.
    identifier.nb_ptc = identifier.nb_ptc.astype("float32", order="C")
    return identifier


def detect(text: str) -> str | None:
    """Primary language tag of `text`, or None when there is no text to judge."""
    sample = text[:SAMPLE_CHARS]
    if not any(ch.isalpha() for ch in sample):
        return None
    code, _score = _identifier().classify(sample)
    return str(code)  # ISO 639-1 codes are valid BCP 47 tags; Norwegian stays `no` (Bokmål vs Nynorsk is `nn` only when the model says so)
