"""Models and how they run: the Engine protocol, transformers, CTranslate2, the Hub."""
