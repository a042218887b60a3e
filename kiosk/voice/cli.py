"""``kiosk voice``: speech to a WAV file, a WAV file to words, and the voices installed."""

from __future__ import annotations

import json
from pathlib import Path

import click


@click.group()
def voice() -> None:
    """Speech out (espeak-ng through pyttsx3) and voice commands (vosk), for installers.

    \b
    Example:
        kiosk voice say "Bonjour" --lang fr --out bonjour.wav
    """


@voice.command()
@click.argument("text")
@click.option("--lang", default="fr", show_default=True, help="Language of the text.")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="WAV file to write.")
@click.option("--rate", default=160, show_default=True, help="Words per minute.")
@click.option("--volume", default=1.0, show_default=True, help="0 to 1.")
def say(text: str, lang: str, out: Path, rate: int, volume: float) -> None:
    """Render TEXT as speech to a WAV file, with the kiosk's voice for LANG.

    \b
    Example:
        kiosk voice say "Posez votre lettre sur la balance." --lang fr --out step.wav
    """
    import tempfile

    from kiosk.voice.speaker import Speaker, SpeechError, wav_seconds

    with tempfile.TemporaryDirectory() as cache:
        try:
            Speaker(Path(cache)).render(text, lang, rate=rate, volume=volume, out=out)
        except SpeechError as exc:
            raise click.ClickException(str(exc)) from None
    click.echo(f"{out} ({wav_seconds(out):.2f} s)")


@voice.command()
@click.argument("wav", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--model", required=True, type=click.Path(path_type=Path),
              help="vosk model folder (or a folder holding model/).")
@click.option("--grammar", required=True, help="The words or phrases to listen for, comma separated.")
@click.option("--min-confidence", default=0.6, show_default=True,
              help="Below this the answer is 'not understood' (exit code 1).")
@click.option("--json", "as_json", is_flag=True, help="Print what was heard as JSON.")
def listen(wav: Path, model: Path, grammar: str, min_confidence: float, as_json: bool) -> None:
    """Recognize one of the GRAMMAR words in a WAV file (16-bit mono) and print it.

    \b
    Example:
        kiosk voice listen --model /opt/vosk/fr --grammar "oui,non,aide" answer.wav
    """
    from kiosk.voice.listener import Listener, ListenerError, find_model, model_megabytes, pick, read_wav

    words = [w.strip() for w in grammar.split(",") if w.strip()]
    try:
        pcm, rate = read_wav(wav)
        size = model_megabytes(find_model(str(model)))
        click.echo(f"Loading the vosk model ({size:.0f} MB, a few seconds)...", err=True)
        listener = Listener(model, sample_rate=rate)
        click.echo(f"Model loaded in {listener.load_seconds:.1f} s.", err=True)
        heard = listener.recognize(pcm, words, rate)
    except ListenerError as exc:
        raise click.ClickException(str(exc)) from None
    chosen = pick(heard, words, min_confidence)
    if as_json:
        click.echo(json.dumps({"heard": heard.text, "confidence": heard.confidence,
                               "coverage": heard.coverage, "choice": chosen}, ensure_ascii=False))
    else:
        click.echo(chosen if chosen is not None else "(not understood)")
    if chosen is None:
        raise SystemExit(1)


@voice.command()
def voices() -> None:
    """List the voice each kiosk language would use.

    \b
    Example:
        kiosk voice voices
    """
    from kiosk.languages import CODES
    from kiosk.voice.speaker import Speaker, SpeechError

    speaker = Speaker(Path("."))
    for lang in CODES:
        try:
            v = speaker.voice_for(lang)
            click.echo(f"{lang}\t{v.id}" + ("" if v.exact else "\t(a neighbouring variant)"))
        except SpeechError as exc:
            click.echo(f"{lang}\t-\t{exc}")
