"""FLY401's cases on the callee's image: which images must be built (reported) and which are used as they are or
cannot be known (quiet), followed through names, modules, aliases and clones."""

from __future__ import annotations

from flyte_lint.rules.base import Case

IMAGE_INVALID = [
    # Layers (any with_* builder), a script's image, a named reference, the default image without flyte (made of
    # layers), a Dockerfile: each is reported.
    Case(
        """
        # file: main.py
        import flyte

        base = flyte.Image.from_debian_base()
        pip_env = flyte.TaskEnvironment("pip", image=base.with_pip_packages("torch"))
        apt_env = flyte.TaskEnvironment("apt", image=flyte.Image.from_debian_base().with_apt_packages("curl"))
        vars_env = flyte.TaskEnvironment("vars", image=base.with_env_vars({"A": "1"}))
        cmd_env = flyte.TaskEnvironment("cmd", image=base.with_commands(["true"]).with_workdir("/w"))
        req_env = flyte.TaskEnvironment("req", image=base.with_requirements("requirements.txt"))
        src_env = flyte.TaskEnvironment("src", image=base.with_source_folder("src"))
        uv_env = flyte.TaskEnvironment("uv", image=flyte.Image.from_uv_script("script.py", name="uv"))
        ref_env = flyte.TaskEnvironment("ref", image=flyte.Image.from_ref_name("trainer"))
        bare_env = flyte.TaskEnvironment("bare", image=flyte.Image.from_debian_base(install_flyte=False))
        docker_env = flyte.TaskEnvironment("docker", image=flyte.Image.from_dockerfile("Dockerfile", registry="r", name="d"))
        driver = flyte.TaskEnvironment("driver")

        @pip_env.task
        async def pip_task() -> int:
            return 1

        @apt_env.task
        async def apt_task() -> int:
            return 1

        @vars_env.task
        async def vars_task() -> int:
            return 1

        @cmd_env.task
        async def cmd_task() -> int:
            return 1

        @req_env.task
        async def req_task() -> int:
            return 1

        @src_env.task
        async def src_task() -> int:
            return 1

        @uv_env.task
        async def uv_task() -> int:
            return 1

        @ref_env.task
        async def ref_task() -> int:
            return 1

        @bare_env.task
        async def bare_task() -> int:
            return 1

        @docker_env.task
        async def docker_task() -> int:
            return 1

        @driver.task
        async def main() -> int:
            total = await pip_task()  # expect: FLY401
            total += await apt_task()  # expect: FLY401
            total += await vars_task()  # expect: FLY401
            total += await cmd_task()  # expect: FLY401
            total += await req_task()  # expect: FLY401
            total += await src_task()  # expect: FLY401
            total += await uv_task()  # expect: FLY401
            total += await ref_task()  # expect: FLY401
            total += await bare_task()  # expect: FLY401
            total += await docker_task()  # expect: FLY401
            return total
    """,
        name="callee-images-that-must-be-built",
    ),
    Case(
        """
        # file: images.py
        import flyte as fl
        from flyte import Image as Img

        base = Img.from_debian_base()
        trainer = base.with_pip_packages("torch")
        plain = fl.Image.from_base("ghcr.io/acme/plain:1")

        def layered():
            return fl.Image.from_debian_base().with_pip_packages("pandas")
        # file: envs.py
        import flyte as fl
        import images
        from images import layered, plain, trainer as trainer_image

        image = images.base
        image = image.with_apt_packages("git")
        gpu = fl.TaskEnvironment("gpu", image=trainer_image)
        rebound = fl.TaskEnvironment("rebound", image=image)
        made = fl.TaskEnvironment("made", image=layered())
        light = fl.TaskEnvironment("light", image=plain)
        gpu_big = gpu.clone_with("gpu_big", resources=fl.Resources(gpu=2))  # (keeps gpu's image)
        gpu_uri = gpu.clone_with("gpu_uri", image="ghcr.io/acme/trainer:1")  # (its own image: a URI)
        light_built = light.clone_with("light_built", image=trainer_image)
        borrowed = fl.TaskEnvironment("borrowed", image=gpu.image)  # (gpu's image)
        borrowed_light = fl.TaskEnvironment("borrowed_light", image=light.image)
        # file: main.py
        import flyte as fl
        from envs import borrowed, borrowed_light, gpu, gpu_big, gpu_uri, light, light_built, made, rebound

        driver = fl.TaskEnvironment("driver")

        @gpu.task
        async def a() -> int:
            return 1

        @rebound.task
        async def b() -> int:
            return 1

        @made.task
        async def c() -> int:
            return 1

        @light.task
        async def d() -> int:
            return 1

        @gpu_big.task
        async def e() -> int:
            return 1

        @gpu_uri.task
        async def f() -> int:
            return 1

        @light_built.task
        async def g() -> int:
            return 1

        @borrowed.task
        async def h() -> int:
            return 1

        @borrowed_light.task
        async def i() -> int:
            return 1

        @driver.task
        async def main() -> int:
            total = await a()  # expect: FLY401
            total += await b()  # expect: FLY401
            total += await c()  # expect: FLY401
            total += await d()
            total += await e()  # expect: FLY401
            total += await f()
            total += await g()  # expect: FLY401
            total += await h()  # expect: FLY401
            total += await i()
            return total
    """,
        name="follows-images-through-names-modules-aliases-and-clones",
    ),
]

IMAGE_VALID = [
    # The child is serialized with the image's own URI: no `image=`, "auto", a URI string (also an f-string or from
    # the environment), a bare default image (with a Python version, or a name: no layers), `from_base`.
    Case(
        """
        # file: main.py
        import os
        import flyte

        TAG = "1.0"
        default_env = flyte.TaskEnvironment("default")
        auto_env = flyte.TaskEnvironment("auto", image="auto")
        uri_env = flyte.TaskEnvironment("uri", image="ghcr.io/acme/trainer:1.0")
        fstr_env = flyte.TaskEnvironment("fstr", image=f"ghcr.io/acme/trainer:{TAG}")
        getenv_env = flyte.TaskEnvironment("getenv", image=os.getenv("IMAGE", "ghcr.io/acme/trainer:1.0"))
        debian_env = flyte.TaskEnvironment("debian", image=flyte.Image.from_debian_base(python_version=(3, 12)))
        named_env = flyte.TaskEnvironment("named", image=flyte.Image.from_debian_base(name="trainer", registry="ghcr.io/acme"))
        base_env = flyte.TaskEnvironment("base", image=flyte.Image.from_base("ghcr.io/acme/trainer:1.0"))
        none_env = flyte.TaskEnvironment("none", image=None)
        driver = flyte.TaskEnvironment("driver")

        @default_env.task
        async def t1() -> int:
            return 1

        @auto_env.task
        async def t2() -> int:
            return 1

        @uri_env.task
        async def t3() -> int:
            return 1

        @fstr_env.task
        async def t4() -> int:
            return 1

        @getenv_env.task
        async def t5() -> int:
            return 1

        @debian_env.task
        async def t6() -> int:
            return 1

        @named_env.task
        async def t7() -> int:
            return 1

        @base_env.task
        async def t8() -> int:
            return 1

        @none_env.task
        async def t9() -> int:
            return 1

        @driver.task
        async def main() -> int:
            return (await t1() + await t2() + await t3() + await t4() + await t5() + await t6() + await t7()
                    + await t8() + await t9())
    """,
        name="callee-images-that-need-no-build-stay-quiet",
    ),
    Case(
        """
        # file: main.py
        import flyte
        from company.images import trainer_image
        from company.builders import Builder

        IMAGES = {"gpu": flyte.Image.from_debian_base().with_pip_packages("torch")}
        if flyte.__version__:
            maybe = flyte.Image.from_debian_base().with_pip_packages("torch")
        else:
            maybe = "ghcr.io/acme/trainer:1"
        options = {"image": flyte.Image.from_debian_base().with_pip_packages("torch")}

        external = flyte.TaskEnvironment("external", image=trainer_image)
        looked_up = flyte.TaskEnvironment("looked_up", image=IMAGES["gpu"])
        branch = flyte.TaskEnvironment("branch", image=maybe)
        spread = flyte.TaskEnvironment("spread", **options)
        look_alike = flyte.TaskEnvironment("look_alike", image=Builder().with_pip_packages("torch"))
        driver = flyte.TaskEnvironment("driver")

        @external.task
        async def t1() -> int:
            return 1

        @looked_up.task
        async def t2() -> int:
            return 1

        @branch.task
        async def t3() -> int:
            return 1

        @spread.task
        async def t4() -> int:
            return 1

        @look_alike.task
        async def t5() -> int:
            return 1

        @driver.task
        async def main() -> int:
            return await t1() + await t2() + await t3() + await t4() + await t5()
    """,
        name="quiet-when-the-callee-image-is-not-known",
    ),
]
