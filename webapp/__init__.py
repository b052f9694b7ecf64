"""The web app: FastAPI JSON API + Gradio chat UI (demo page and embeddable shop widget)."""
