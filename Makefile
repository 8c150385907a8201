# Reproducible artifacts. `make default-model` rebuilds models/default.json from data/; a test
# (tests/default_model.rs) fails when the committed model differs from what this produces.

TONETRACK = cargo run --release --quiet --

# Options chosen by cross-validation on the training split (benches/experiments/domain_options.py;
# data/README.md has the figures). tests/default_model.rs parses this variable.
DEFAULT_MODEL_ARGS = --data data/quotes_train.csv --where relevant=yes --group-col source_url \
	--class-weight balanced --negation --char-ngrams 3..5

.PHONY: default-model
default-model:
	$(TONETRACK) train $(DEFAULT_MODEL_ARGS) --out models/default.json
