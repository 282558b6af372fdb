"""Beam's DaskRunner with the two fixes a release build needs.

Measured with apache-beam 2.77 and distributed 2026.8, the stock runner
(1) computes only the graph of the last transform it visits, so a pipeline
with several outputs (shards, tokenizer, statistics) silently skips all but
one, and (2) collects a bundle's outputs before calling finish_bundle, which
loses what a DoFn emits there (BatchElements emits its last batch there).
This runner computes every leaf of the graph and collects outputs after
finish_bundle. Use it as `--runner=DaskRunner`; one thread per worker process.
"""

from __future__ import annotations

from apache_beam.runners.common import DoFnInvoker

try:
    from apache_beam.runners.dask import dask_runner, transform_evaluator
except ImportError as error:  # reported by the CLI as one line
    raise ImportError("the DaskRunner needs the 'dask' extra: pip install 'corpus-builder[dask]'") from error


def _apply_dofn_to_bundle(items, invoker_args, invoker_kwargs, receivers):
    receivers.values.clear()
    invoker = DoFnInvoker.create_invoker(*invoker_args, **invoker_kwargs)
    invoker.invoke_setup()
    invoker.invoke_start_bundle()
    for item in items:
        invoker.invoke_process(item)
    invoker.invoke_finish_bundle()  # before collecting: its outputs belong to the bundle
    invoker.invoke_teardown()
    return [value.value for value in receivers.values]


class _Result(dask_runner.DaskRunnerResult):
    def wait_until_finish(self, duration=None):
        try:
            return super().wait_until_finish(duration)
        finally:
            self.client.close()  # else it keeps reconnecting to a cluster that may be gone


class DaskRunner(dask_runner.DaskRunner):
    def run_pipeline(self, pipeline, options):
        import dask
        import dask.distributed as ddist

        transform_evaluator.apply_dofn_to_bundle = _apply_dofn_to_bundle
        dask_options = options.view_as(dask_runner.DaskOptions).get_all_options(drop_default=True, current_only=True)
        bag_kwargs = dask_runner.DaskOptions._extract_bag_kwargs(dask_options)
        client = ddist.Client(**dask_options)
        pipeline.replace_all(dask_runner.dask_overrides())
        visitor = self.to_dask_bag_visitor(bag_kwargs)
        pipeline.visit(visitor)
        consumed = {
            value.producer
            for applied in visitor.bags
            for value in list(applied.inputs) + [side.pvalue for side in applied.side_inputs]
            if value.producer is not None
        }
        leaves = [bag for applied, bag in visitor.bags.items() if applied not in consumed]
        futures = client.compute(list(dask.optimize(*leaves)))
        return _Result(client, futures)
