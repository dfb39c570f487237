"""The Jinja2 environment: the site's templates over the default theme.

Autoescaping is on for every template and undefined variables are errors,
so a typo in a template fails the build with its file and line instead of
silently printing nothing.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
from babel import Locale, UnknownLocaleError
from markupsafe import Markup

from generator.config import Config
from generator.problems import DigestError, Problem, TemplateError
from generator.render.i18n import LOCALES, Language, language_name, load_language, locales_dir
from generator.render.markdown import first_paragraph_text, to_html
from generator.render.pages import clip, feed_links, issue_label, source_name
from generator.structure.names import name_slug

WORDS_PER_MINUTE = 230


def default_theme_dir() -> Path:
    """The default templates: packaged in the wheel, or the checkout's `templates/`."""
    packaged = Path(str(resources.files("generator"))) / "theme"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "templates"


def template_dirs(config: Config) -> list[Path]:
    """Search path: the site's own templates first, then the default theme."""
    dirs = [config.templates_dir, default_theme_dir()]
    unique: list[Path] = []
    for d in dirs:
        if d.is_dir() and d.resolve() not in unique:
            unique.append(d.resolve())
    return unique


def catalog_roots(config: Config) -> list[Path]:
    """Where message catalogs are looked up: the site's `locales/` beside config.yaml, then the theme's."""
    return [locales_dir(config.path), default_theme_dir() / LOCALES]


def site_language(config: Config) -> Language:
    """The site's language with its catalogs (read from disk: call once per build)."""
    return load_language(config.site.language, catalog_roots(config))


def make_environment(config: Config, bytecode_dir: Path | None = None, language: Language | None = None) -> jinja2.Environment:
    """The Jinja2 environment; with `bytecode_dir`, compiled templates are kept there between builds.

    Every label goes through gettext (`_`, `ngettext`, `{% trans %}`), new-style:
    values are escaped and `%(num)s` is filled in for counts.
    """
    language = language or site_language(config)
    if bytecode_dir is not None:
        bytecode_dir.mkdir(parents=True, exist_ok=True)
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(d) for d in template_dirs(config)]),
        bytecode_cache=jinja2.FileSystemBytecodeCache(str(bytecode_dir)) if bytecode_dir is not None else None,
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,  # one environment per build: no stat of every template file on every render
        extensions=["jinja2.ext.i18n"],
    )
    env.install_gettext_translations(language.translations, newstyle=True)  # type: ignore[attr-defined]
    env.filters.update(
        markdown=markdown_filter,
        body_html=body_html,
        isodate=isodate,
        longdate=language.date,
        month=language.month,
        number=language.number,
        names=language.names,
        language_name=language_name,
        reading_minutes=reading_minutes,
        lead=lead,
        slug=name_slug,
        issue_label=functools.partial(issue_label, language=language),
        source_name=functools.partial(source_name, language=language),
        clip=clip,
        other_lang=other_lang,
        direction=text_direction,
    )
    env.globals["site_feeds"] = feed_links("", config.site.title)
    env.globals["gettext"] = env.globals["_"] = _translated(language)
    env.globals["ngettext"] = _counted(language)
    return env


def markdown_filter(text: str) -> Markup:
    return Markup(to_html(text))


def body_html(entry: Any) -> Markup:
    """An entry's body as HTML (the build's renderer also keeps what its feeds need from the same parse)."""
    return markdown_filter(entry.body)


def isodate(value: dt.date) -> str:
    """Machine-readable date for `<time datetime>`: a date, or a datetime with its offset."""
    return value.isoformat()


def _translated(language: Language) -> Any:
    """Jinja's new-style `gettext` (the message is always a format string), each escaped constant made once.

    Pages call it about twenty times each for the same few labels. It takes the
    eval context, not the context: Jinja derives a new context for every call
    of a context function made inside a loop or block, which made Jinja's own
    `_` cost more than a second of CPU in a 10,000-entry build.
    """

    @functools.lru_cache(maxsize=4096)
    def constant(message: str) -> Markup:
        return Markup(language.translations.gettext(message)) % {}

    @jinja2.pass_eval_context
    def gettext(eval_ctx: jinja2.nodes.EvalContext, message: str, **values: Any) -> str:
        if not eval_ctx.autoescape:
            return language.translations.gettext(message) % values
        if not values:
            return constant(message)
        return Markup(language.translations.gettext(message)) % values

    return gettext


def _counted(language: Language) -> Any:
    """Jinja's new-style `ngettext`, with `%(num)s` in the language's digits and grouping ("12.345 Artikel")."""

    @jinja2.pass_eval_context  # not pass_context: see _translated
    def ngettext(eval_ctx: jinja2.nodes.EvalContext, singular: str, plural: str, n: int, **values: Any) -> str:
        values.setdefault("num", language.number(n))
        text = language.translations.ngettext(singular, plural, n)
        if eval_ctx.autoescape:
            return Markup(text) % values
        return text % values

    return ngettext


def lead(entry: Any) -> str:
    """The standfirst a list shows: the summary, else the body's opening paragraph."""
    return str(entry.summary or clip(first_paragraph_text(entry.body), 320))


def other_lang(lang: str | None, site_lang: str) -> str:
    """The entry's language when its primary subtag differs from the site's, else ""."""
    if not lang or lang.split("-")[0].casefold() == site_lang.split("-", maxsplit=1)[0].casefold():
        return ""
    return lang


# Languages written right to left, and the scripts that are (a script subtag decides: `az-Arab`, `ku-Latn`).
_RTL_LANGUAGES = frozenset({"ar", "arc", "ckb", "dv", "fa", "he", "iw", "ks", "nqo", "ps", "sd", "syr", "ug", "ur", "yi"})
_RTL_SCRIPTS = frozenset({"adlm", "arab", "hebr", "mand", "nkoo", "rohg", "samr", "syrc", "thaa"})


@functools.lru_cache(maxsize=256)
def text_direction(lang: str | None) -> str:
    """`rtl` or `ltr` for a BCP 47 tag, for `dir` attributes: a script subtag decides, else CLDR's character order."""
    subtags = (lang or "").casefold().split("-")
    script = next((s for s in subtags[1:] if len(s) == 4 and s.isalpha()), None)
    if script is not None:  # CLDR would answer for the language (`ar-Latn` as `ar`)
        return "rtl" if script in _RTL_SCRIPTS else "ltr"
    try:
        return "rtl" if Locale.parse(lang or "", sep="-").character_order == "right-to-left" else "ltr"
    except (UnknownLocaleError, ValueError, TypeError):  # a tag CLDR does not know (entries carry what their source declared)
        return "rtl" if subtags[0] in _RTL_LANGUAGES else "ltr"


@functools.lru_cache(maxsize=16384)  # every listing of an article shows it
def reading_minutes(text: str) -> int:
    return max(1, math.ceil(len(text.split()) / WORDS_PER_MINUTE))


def render(env: jinja2.Environment, name: str, context: dict[str, Any]) -> str:
    """Render a template, turning Jinja errors into a TemplateError with file and line."""
    try:
        return env.get_template(name).render(context)
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateError(Problem(Path(exc.filename or name), f"template syntax error: {exc.message}", exc.lineno)) from None
    except jinja2.TemplateNotFound as exc:
        raise TemplateError(Problem(Path(name), f"template not found: {exc.name}")) from None
    except jinja2.UndefinedError as exc:
        path, line = _template_frame(exc)
        raise TemplateError(Problem(path or Path(name), f"undefined in template: {exc.message}", line)) from None
    except DigestError:
        raise
    except Exception as exc:  # a site template's runtime mistake (`1 + "a"`, a filter's wrong arguments): its line, no traceback
        path, line = _template_frame(exc)
        raise TemplateError(Problem(path or Path(name), f"error in template: {type(exc).__name__}: {exc}", line)) from None


def _template_frame(exc: BaseException) -> tuple[Path | None, int | None]:
    """The innermost template file and line in a traceback (Jinja rewrites frames)."""
    tb = exc.__traceback__
    found: tuple[Path | None, int | None] = (None, None)
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith((".html", ".xml", ".txt", ".j2")):
            found = (Path(filename), tb.tb_lineno)
        tb = tb.tb_next
    return found
