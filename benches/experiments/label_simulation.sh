#!/usr/bin/env bash
# The labeling simulation (examples/label_simulation.rs) with the built-in model's options
# (docs/label_simulation.*, the README's table), then the variants tried to meet the goal
# (margin reaches random's macro-F1 at 1,000 labels with ≤ 600): other C, balanced weights, no
# calibration, the options of the earlier default, batch sizes, information density, a batch
# spread over the TF-IDF space (farthest-first, k-means++ seeding), margin per predicted class,
# stochastic batch acquisition (power, softrank), BADGE,
# and a 15-seed check of the variants that met the goal at 5 seeds by a hair; then (2026-12-07)
# the tool's base rows, margin before calibration, query-by-committee, transductive features,
# cold start, EGL, exploration, logit and geometric margin, near-duplicates of labeled rows,
# CAL, kriging believer, DAL; then (2026-12-08) the pool cut to a share of its pages.
# Output: benches/experiments/results-label-simulation.txt. About 25 minutes on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/../.."
cargo build --release --quiet --example label_simulation
sim=target/release/examples/label_simulation
out=benches/experiments/results-label-simulation.txt
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

$sim --strategies margin,random,entropy,margin-nodup --out docs/label_simulation 2>/dev/null >/dev/null
{
  echo "# $(date -u +%Y-%m-%dT%H:%MZ), $(git rev-parse --short HEAD)"
  echo
  cat docs/label_simulation.txt
  variant() {
    local name=$1; shift
    echo
    echo "## $name"
    $sim "$@" --out "$tmp/v" 2>/dev/null | grep -E '^\| (labels|100|300|500|600|700|800|1000|1100) \||reaches'
  }
  variant "C = 3" --c 3
  variant "C by 5-fold CV each round" --c auto
  variant "no calibration (lexicon preset), C = 1" --preset lexicon --c 1
  variant "no calibration, C = 3" --preset lexicon --c 3
  variant "balanced class weights, no calibration, C = 1" --preset lexicon-balanced --c 1
  variant "earlier default options (balanced, negation, char 3-5), C = 0.3 (its CV choice)" --preset old-default --c 0.3
  variant "batches of 25" --batch 25 --rounds 40
  variant "batches of 20 (tonetrack label's default)" --batch 20 --rounds 50
  variant "batches of 10" --batch 10 --rounds 100
  variant "margin x information density" --strategies density,margin,random
  variant "batch spread among the 5 x batch most uncertain (farthest-first, k-means++ seeding); margin per predicted class in turn" \
    --strategies margin,random,margin-ff,margin-kmeans++,margin-balanced
  # The two that met the goal at 5 seeds by a hair, checked on 15 seeds (1..15).
  variant "15 seeds: margin, k-means++ spread" --strategies margin,random,margin-kmeans++ --seeds 15
  variant "15 seeds: the same without calibration" --preset lexicon --strategies margin,random,margin-kmeans++ --seeds 15
  # Added later: stochastic batch acquisition and BADGE over the whole pool.
  variant "stochastic batch acquisition (Kirsch et al. 2023, beta = 1): power on margin uncertainty, softrank" \
    --strategies margin,random,margin-power,margin-softrank
  variant "BADGE (Ash et al. 2020): k-means++ seeding on gradient embeddings over the whole pool" \
    --strategies margin,random,badge
  # Added 2026-12-07 (wip-sim): new levers, each at 5 seeds, the closest at 15.
  # The pool: it already matches `label --data` (relevant rows only: margin never sees an
  # irrelevant row); what the simulation lacked is the tool's base rows, whose irrelevant rows
  # train (training-only) in every refit. Here the training split's 578 irrelevant rows do.
  variant "irrelevant rows of the training split as training-only base rows in every refit (both curves)" \
    --base-irrelevant
  # Margin on the probabilities before temperature scaling (same fit, same predictions);
  # cold start (random until 200 or 300 labels, then margin); expected gradient length
  # (Settles, Craven & Ray 2008); a fifth of each batch at random (exploration).
  variant "margin before calibration; random first (until 200, 300 labels); EGL; 20 % random" \
    --strategies margin,random,margin-raw,margin-after-200,margin-after-300,egl,margin-mix20
  # How much temperature scaling changes the margin batch: rows of margin-raw's batch not in
  # the calibrated margin's batch, summed over 5 seeds x 20 rounds.
  echo
  $sim --strategies margin-raw --out "$tmp/v" 2>&1 >/dev/null \
    | sed -n 's/.*round.*; \([0-9]*\) of \([0-9]*\) in the batch differ/\1 \2/p' \
    | awk '{d += $1; n += $2; if ($1 > 0) r++} END {printf "margin-raw: %d of %d batch rows differ from the calibrated margin'"'"'s batch (%d of %d rounds)\n", d, n, r, NR}'
  # Query-by-committee over 5 bootstrap refits (Seung et al. 1992; Abe & Mamitsuka 1998):
  # vote entropy, mean KL from the consensus (McCallum & Nigam 1998), margin of the mean.
  variant "query-by-committee, 5 bootstrap refits: vote entropy, mean KL, margin of the mean" \
    --strategies margin,random,qbc-vote,qbc-kl,margin-committee
  # Transductive features: vocabulary and document frequencies from the whole pool's text
  # (the unlabeled rows as training-only rows of weight 0), for both curves.
  variant "vocabulary and IDF fitted on the whole pool (transductive), both curves" --transductive
  # The gap between the two largest decision values, raw or over ||w_a - w_b|| (Tong & Koller
  # 2001's simple margin); no near-duplicate of an already labeled row either.
  variant "logit margin; geometric margin; no near-duplicate of a labeled row" \
    --strategies margin,random,margin-logit,margin-geometric,margin-nodup-labeled
  variant "15 seeds: margin before calibration; no near-duplicate of a labeled row" \
    --strategies margin,random,margin-raw,margin-nodup-labeled --seeds 15
  # Contrastive active learning (Margatina et al. 2021): KL of the 10 nearest labeled rows'
  # predictions from the row's.
  variant "contrastive active learning (CAL, Margatina et al. 2021), 10 neighbours" \
    --strategies margin,random,cal
  # Kriging believer (Ginsbourger et al. 2010): the batch in 5 parts of 10, refit between parts
  # on the predicted labels of the rows chosen so far.
  variant "margin, batch in 5 parts with a refit on believed (predicted) labels between parts" \
    --strategies margin,random,margin-believer
  # It meets the printed rule only because random's figure at 1,000 falls (0.598 -> 0.589 at
  # 15 seeds) while margin's at 600 does not rise (0.595 -> 0.592), and it is worse at every
  # count up to 600 for both: a weaker learner, not a better selection; not adopted.
  variant "15 seeds: transductive vocabulary and IDF, both curves" --transductive --seeds 15
  # Discriminative active learning (Gissin & Shalev-Shwartz 2019), one discriminator per round.
  variant "discriminative active learning (DAL): the rows a labeled-vs-unlabeled classifier finds least like the labeled" \
    --strategies margin,random,dal
  # Pool size (issue #20's hypothesis: margin's edge is limited by the pool, 1,000 labels picked
  # from 3,827 rows): the pool cut to the rows of a fixed share of its pages (--pool-share, the
  # same pages for every seed; 1 is the first table's run), margin and random; per share the
  # table, then margin - random paired by seed (mean ± sd over seeds) at 600 and 1,000 labels.
  pool_shares() {
    local name=$1; shift
    echo
    echo "## $name"
    for share in 1 0.75 0.5 0.35; do
      $sim --strategies margin,random --pool-share "$share" "$@" --out "$tmp/v" 2>/dev/null \
        | sed -n "s/^Simulated labeling: pool = \([0-9]*\) .*/share $share: pool = \1 rows/p"
      grep -E '^\| (labels|100|300|500|600|700|800|1000|1100) \||reaches' "$tmp/v.txt"
      awk -F, 'NR > 1 && ($4 == 600 || $4 == 1000) { f[$1, $2, $4] = $5; seeds[$2] }
        END {
          printf "margin - random, paired by seed:"
          for (k = 600; k <= 1000; k += 400) {
            n = 0; s = 0; ss = 0
            for (seed in seeds) { d = f["margin", seed, k] - f["random", seed, k]; n++; s += d; ss += d * d }
            m = s / n
            printf " %+.3f ± %.3f at %d%s", m, sqrt((ss - n * m * m) / (n - 1)), k, k == 600 ? "," : " labels\n"
          }
        }' "$tmp/v.csv"
    done
  }
  pool_shares "pool size: the pool cut to a share of its pages (margin, random)"
  pool_shares "15 seeds: pool size, the pool cut to a share of its pages (margin, random)" --seeds 15
} > "$out"
cat "$out"
