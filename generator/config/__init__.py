"""Configuration: the file format (`schema`) and its validated form (`load`)."""

from generator.config.load import Config, load_config

__all__ = ["Config", "load_config"]
