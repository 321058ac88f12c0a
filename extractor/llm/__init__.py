"""The model path: prompts (files under prompts/) drive an OpenAI-compatible model through instructor into
pydantic schemas; everything it returns is grounded in the source and cross-checked against the parse."""
