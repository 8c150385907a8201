# Usage (from the repository root, after cargo build --release): bash benches/experiments/newsmtsc_options.sh
S=../shared/data/newsmtsc; T=target/release/tonetrack
run() { name="$1"; shift; echo "=== $name: $*"; /usr/bin/time -f "train wall %e s, peak %M KB" $T train --data $S/train.csv "$@" --out /tmp/nm3_$$.json 2>&1 | grep -E "chosen|fit:|wall"; for t in test_rw test_mt; do echo -n "$t: "; $T eval --model /tmp/nm3_$$.json --data $S/$t.csv | head -1; done; }
SAME="--tokenizer sklearn --keep-stop-words --no-stem"
M="--mention-cols target_start,target_end"
run "sklearn-equivalent plain" $SAME
run "sklearn-equivalent mention" $SAME $M
run "sklearn-equivalent plain C=3 (scikit-learn's CV choice)" $SAME --c 3
run "sklearn-equivalent mention C=1 (scikit-learn's CV choice)" $SAME $M --c 1
run "default analyzer mention" $M
run "mention + balanced" $M --class-weight balanced
run "mention + negation" $M --negation
run "mention + char 2..5" $M --char-ngrams 2..5
run "mention + balanced + negation" $M --class-weight balanced --negation
for w in 2 4 6; do run "mention + balanced + negation + window $w" $M --class-weight balanced --negation --mention-window $w; done
