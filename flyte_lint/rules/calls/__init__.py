"""FLY101-FLY108: how tasks are called: sync and async forms, their coroutines, and the arguments they bind."""
