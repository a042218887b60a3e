"""Speech out (pyttsx3 to WAV) and optional voice commands (vosk), no Qt. Built by the voice issue."""
