# Reproducible artifacts. `make default-model` rebuilds models/default.json from data/; a test
# (tests/default_model.rs) fails when the committed model differs from what this produces.

TONETRACK = cargo run --release --quiet --

# The options, chosen by cross-validation grouped by page on the training split
# (benches/experiments/tone_options.py; data/README.md has the figures): both tone lexicons,
# the irrelevant quotations as training-only rows, temperature calibration.
MODEL_OPTIONS = --group-col source_url --train-only-where relevant=no \
	--lexicon vader,diplomatic --calibration temperature

# The model the test split is scored with: trained on the training split, C by 5-fold CV there.
.PHONY: split-model
split-model:
	$(TONETRACK) train --data data/quotes_train.csv $(MODEL_OPTIONS) --out target/split-model.json

# The shipped model: every labeled quotation, with the C the training split chose (C = 1).
# tests/default_model.rs parses this variable.
DEFAULT_MODEL_ARGS = --data data/quotes.csv --data data/quotes2.csv --c 1 \
	--group-col source_url --train-only-where relevant=no \
	--lexicon vader,diplomatic --calibration temperature

.PHONY: default-model
default-model:
	$(TONETRACK) train $(DEFAULT_MODEL_ARGS) --out models/default.json
