import asyncio

import flyte

from pipeline import preprocess
from pipeline.envs import driver_env
from pipeline.training import evaluate, publish, train


@driver_env.task
async def main(splits: list[str] = ["train", "val"], epochs: int = 3) -> str:
    raw = await asyncio.gather(*[preprocess.load_split.aio(s) for s in splits])
    features = await preprocess.normalize(raw[0], scale=10.0)

    with flyte.group("training"):
        score = await train(features, epochs=epochs, learning_rate=0.1)  # FLY106: the SDK drops learning_rate
        checked = await evaluate(score)  # FLY101: evaluate is a sync task; write evaluate.aio(score)

    publish(f"{checked}")  # FLY103: never awaited, so nothing is published; FLY401: driver does not depend on report
    return "done"


if __name__ == "__main__":
    flyte.init_from_config()
    run = flyte.run(main)
    print(run.url)
