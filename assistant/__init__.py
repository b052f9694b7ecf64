"""The assistant: language-model backends, agent, session state, explanation writer and checker."""
