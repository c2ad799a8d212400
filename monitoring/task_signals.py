"""A task carries the id of the request that queued it, so its log lines share that id."""

from celery.signals import before_task_publish, task_postrun, task_prerun

from monitoring import context

HEADER = "request_id"
_own: set[str] = set()  # ids of the tasks whose activity this module began


@before_task_publish.connect
def pass_request_id(headers=None, **kwargs) -> None:
    request_id = context.current_request_id()
    if request_id and headers is not None:
        headers.setdefault(HEADER, request_id)


@task_prerun.connect
def adopt_request_id(task_id=None, task=None, **kwargs) -> None:
    if context.current() is not None:
        return  # run in-process (eagerly) by a request: it is part of that request
    context.begin(context.request_id_from(getattr(task.request, HEADER, None)))
    _own.add(task_id)


@task_postrun.connect
def drop_request_id(task_id=None, **kwargs) -> None:
    if task_id in _own:
        _own.discard(task_id)
        context.end()
