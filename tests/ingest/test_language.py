import random

import numpy as np
import pytest
from py3langid.langid import MODEL_FILE, LanguageIdentifier

from generator.ingest.clean.language import LANGUAGES, SAMPLE_CHARS, _identifier, detect

SENTENCES = [
    "The council said on Monday that the new bridge would be ready by spring.",
    "Der Stadtrat sagte am Montag, die neue Brücke werde im Frühjahr fertig.",
    "Le conseil a déclaré lundi que le nouveau pont serait prêt au printemps.",
    "El ayuntamiento dijo el lunes que el nuevo puente estará listo en primavera.",
    "De gemeenteraad zei maandag dat de nieuwe brug in het voorjaar klaar is.",
    "Kommunestyret sa mandag at den nye brua blir ferdig til våren.",
    "Belediye meclisi pazartesi günü yeni köprünün baharda hazır olacağını söyledi.",
    "قال المجلس يوم الاثنين إن الجسر الجديد سيكون جاهزا بحلول الربيع.",
    "市議会は月曜日、新しい橋は春までに完成すると発表した。",
    "Городской совет заявил в понедельник, что новый мост будет готов к весне.",
    "Η δημοτική αρχή είπε τη Δευτέρα ότι η νέα γέφυρα θα είναι έτοιμη την άνοιξη.",
    "नगर परिषद ने सोमवार को कहा कि नया पुल वसंत तक तैयार हो जाएगा।",
    "市议会周一表示，新桥将在春天之前完工。",
    "시의회는 월요일 새 다리가 봄까지 완공될 것이라고 밝혔다.",
]
# Letters of several scripts, digits and punctuation: texts no model was trained on.
ALPHABET = "abcdefghijklmnopqrstuvwxyzäöüßéèçñøåğışАБВГДежзийκλμνξοπابتثجحאבגדअआइईかきくけこ漢字한국 0123456789.,;:!?-—'\"()\n"


def _reference() -> LanguageIdentifier:
    """The library's identifier as it ships, restricted to the same languages."""
    identifier = LanguageIdentifier.from_model_file(MODEL_FILE)
    identifier.set_languages(LANGUAGES)
    return identifier


def _texts() -> list[str]:
    rng = random.Random(14)
    texts = list(SENTENCES)
    texts += [" ".join(rng.sample(SENTENCES, rng.randint(2, 6))) for _ in range(40)]  # mixed languages, longer than the sample
    texts += ["".join(rng.choice(ALPHABET) for _ in range(rng.randint(1, 400))) for _ in range(60)]
    texts += ["SHOUTED HEADLINE ABOUT THE HARBOUR", "ok", "x" * 5000, "123 456"]
    return texts


def test_scores_are_the_librarys_bit_for_bit() -> None:
    """The widened weight table changes the speed of scoring, not one score."""
    ours, reference = _identifier(), _reference()
    for text in _texts():
        sample = text[:SAMPLE_CHARS]
        assert np.array_equal(ours._decide(sample), reference._decide(sample)), sample
        assert ours.classify(sample) == reference.classify(sample)


@pytest.mark.parametrize(
    ("text", "lang"),
    [(SENTENCES[0] * 3, "en"), (SENTENCES[1] * 3, "de"), (SENTENCES[8] * 3, "ja"), (SENTENCES[9] * 3, "ru"), ("12 34 !!", None)],
)
def test_detect(text: str, lang: str | None) -> None:
    assert detect(text) == lang
