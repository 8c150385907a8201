# Reproducible artifacts. `make default-model` rebuilds models/default.json from data/; a test
# (tests/default_model.rs) fails when the committed model differs from what this produces.

TONETRACK = cargo run --release --quiet --

DEFAULT_MODEL_ARGS = --data data/quotes_train.csv --where relevant=yes --group-col source_url \
	--class-weight balanced

.PHONY: default-model
default-model:
	$(TONETRACK) train $(DEFAULT_MODEL_ARGS) --out models/default.json
