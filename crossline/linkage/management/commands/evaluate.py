"""`crossline evaluate --truth truth.csv`: how the stored entities compare with a ground truth
(the synthetic generator's truth.csv): pairwise and cluster precision, recall and F1 per kind."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from crossline.linkage.engine import evaluate
from crossline.linkage.engine.records import SHEETS
from crossline.linkage.exports import entity_rows


class Command(BaseCommand):
    help = "Score the stored entities against a truth file (force_code,sheet,ref,entity_id)."

    def add_arguments(self, parser):
        parser.add_argument("--truth", type=Path, required=True, metavar="truth.csv")
        parser.add_argument("--errors", type=int, default=0, metavar="N",
                            help="also list up to N false and N missed links per kind")

    def handle(self, *args, truth, errors, **options):
        if not truth.is_file():
            raise CommandError(f"{truth} is not a file.")
        try:
            truth_rows = evaluate.read_rows(truth)
        except (ValueError, UnicodeDecodeError) as error:
            raise CommandError(str(error)) from error
        predicted = list(entity_rows())
        write = self.stdout.write
        write(f"{'kind':<10} {'refs':>6} {'true':>6} {'found':>6}  {'pair P':>7} {'pair R':>7} {'pair F1':>7}"
              f"  {'clus P':>7} {'clus R':>7} {'clus F1':>7}")
        for sheet in SHEETS.values():
            scores = evaluate.score(truth_rows, predicted, sheet)
            if not scores.references:
                continue
            write(f"{sheet:<10} {scores.references:>6,} {scores.true_pairs:>6,} {scores.predicted_pairs:>6,}  "
                  f"{scores.pair_precision:>7.4f} {scores.pair_recall:>7.4f} {scores.pair_f1:>7.4f}  "
                  f"{scores.cluster_precision:>7.4f} {scores.cluster_recall:>7.4f} {scores.cluster_f1:>7.4f}")
            if errors:
                false, missed = evaluate.errors(truth_rows, predicted, sheet)
                for label, pairs in (("false link", false), ("missed link", missed)):
                    for left, right in pairs[:errors]:
                        write(f"    {label}: {left[0]} {left[1]}  ~  {right[0]} {right[1]}")
