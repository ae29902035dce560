import flyte

base_image = flyte.Image.from_debian_base(python_version=(3, 11)).with_pip_packages("pandas", "scikit-learn")

data_env = flyte.TaskEnvironment(
    name="data",
    image=base_image,
    resources=flyte.Resources(cpu="1", memory="2Gi"),
)

train_env = flyte.TaskEnvironment(
    name="train",
    image=base_image,
    resources=flyte.Resources(cpu="4", mem="16Gi", gpu="A100:1"),  # FLY301: Flyte 2 calls it memory=
    cache="auto",
)

# The driver calls tasks of both other environments. It depends on data_env here, and on train_env
# through deploy.py's add_dependency; the report env is forgotten (FLY401 in workflow.py).
driver_env = flyte.TaskEnvironment(name="driver", image=base_image, depends_on=[data_env])

report_env = flyte.TaskEnvironment(name="report", image=base_image)
