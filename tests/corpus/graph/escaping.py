"""Text that must be escaped in every format: quotes, angle brackets, backslashes, a closing script tag."""
import flyte

env = flyte.TaskEnvironment("esc")


@env.task
async def render(text: str) -> str:
    return text


@env.task
async def escaping(mode: str = "plain") -> str:
    with flyte.group('say "hi" <b>'):
        if mode == "</script><!--<script>" or mode == 'C:\\tmp & "x"':
            return await render("<b>")
    return await render(mode)
