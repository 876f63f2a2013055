"""A --language option for the management commands whose messages are translated."""

from django.conf import settings
from django.utils import translation


class LanguageOptionMixin:
    """Messages (and errors) in --language: Arabic or French, or English (the source texts) for
    operators and scripts; the portal's default language when not given."""

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.add_argument(
            "--language",
            choices=[*(code for code, _name in settings.LANGUAGES), "en"],
            default=settings.LANGUAGE_CODE,
            help="Language of the messages (default: %(default)s).",
        )
        return parser

    def execute(self, *args, **options):
        with translation.override(options.get("language") or settings.LANGUAGE_CODE):
            return super().execute(*args, **options)
