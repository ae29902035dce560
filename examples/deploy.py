"""Deploy the pipeline: `python deploy.py`."""

import flyte

from pipeline.envs import driver_env, train_env
from pipeline.workflow import main

driver_env.add_dependency(train_env)

if __name__ == "__main__":
    flyte.init_from_config()
    deployments = flyte.deploy(driver_env)
    print(deployments[0].summary_repr())
    print(main.name)
