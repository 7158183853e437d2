from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from embeddings.registry import model_spec_get

PROGRESS_EVERY = 25


class Command(BaseCommand):
    help = "Train the lookalike-demo CLIP model from scratch on generated image-caption pairs and save it (fp16 safetensors)."

    def add_arguments(self, parser):
        from embeddings.training import BATCH_SIZE, STEPS

        parser.add_argument("--steps", type=int, default=STEPS)
        parser.add_argument("--batch-size", type=int, default=BATCH_SIZE)
        parser.add_argument("--seed", type=int, default=1000, help="training data seed (the shipped catalogue uses 1)")
        parser.add_argument("--out", type=Path, default=Path(model_spec_get(name="lookalike-demo").default_weights))

    def handle(self, *args, steps: int, batch_size: int, seed: int, out: Path, **options):
        from embeddings.training import demo_model_fp16_check, demo_model_train

        if steps < 1 or batch_size < 2:
            raise CommandError("--steps must be at least 1 and --batch-size at least 2")
        if not out.parent.exists():
            raise CommandError(f"the folder for --out does not exist: {out.parent}")

        def report(progress) -> None:
            if progress.step == 1 or progress.step % PROGRESS_EVERY == 0 or progress.step == progress.steps:
                self.stdout.write(f"step {progress.step}/{progress.steps} loss {progress.loss:.3f} elapsed {progress.elapsed_s:.0f}s")

        result = demo_model_train(steps=steps, batch_size=batch_size, seed=seed, out_path=out, progress=report)
        self.stdout.write(f"saved {result.out_path}: wall {result.wall_time_s:.0f}s (image pool {result.pool_time_s:.0f}s)")
        self.stdout.write(f"fp16 file vs fp32 model: {demo_model_fp16_check(model=result.model, path=result.out_path)}")
