"""Command line: `mediakpi run|demo|backfill|templates|latest|bench` (docs/specs/data-contract.md fixes `run` and `demo`)."""
from __future__ import annotations

import argparse
import sys
import time

from .paths import Workspace


def _cmd_run(args: argparse.Namespace) -> int:
    from .runner import run_period

    started = time.perf_counter()
    result = run_period(args.period, args.data_dir, args.reports_dir, config=args.config, lang=args.lang,
                        timeout=args.timeout, progress=False if args.no_progress else None)
    print("各阶段用时：" + "，".join(f"{t.stage} {t.seconds:.1f}s" for t in result.timings)
          + f"；合计 {time.perf_counter() - started:.1f}s")
    print(result.index_html)
    return 0


def _cmd_demo(args: argparse.Namespace) -> int:
    from .demo import write_demo

    ws = Workspace.of(args.data_dir)
    if ws.raw_months() and not args.force:
        print(f"{ws.raw_root} 里已经有月份数据（{ws.raw_months()[-1]} 等），不写演示数据；要重写请加 --force。")
        return 0
    summary = write_demo(ws.raw_root, seed=args.seed, end_month=args.end_month, months=args.months,
                         overwrite=args.force)
    print(summary)
    return 0


def _cmd_backfill(args: argparse.Namespace) -> int:
    """Earlier months processed in-process by the same library calls the notebooks make (no kernels, no reports),
    so that baselines and trends have history."""
    from .stages import backfill

    backfill(Workspace.of(args.data_dir), args.period, args.months, args.force, config=args.config)
    return 0


def _cmd_templates(args: argparse.Namespace) -> int:
    from .ingest import write_templates

    ws = Workspace.of(args.data_dir)
    folder = ws.raw_root / "templates"
    write_templates(folder)
    print(folder)
    return 0


def _cmd_latest(args: argparse.Namespace) -> int:
    months = Workspace.of(args.data_dir).raw_months()
    if not months:
        print("data/raw 下还没有月份文件夹：先运行 `mediakpi demo`。", file=sys.stderr)
        return 2
    print(months[-1])
    return 0


def _cmd_bench(args: argparse.Namespace) -> int:
    from .bench import main as bench_main

    return bench_main(args)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="mediakpi", description="新媒体团队绩效与内容表现工作簿")
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="运行一个周期的月末流程并发布报告")
    run.add_argument("--period", required=True, help="YYYY-MM、YYYY-Qn 或 YYYY")
    run.add_argument("--data-dir", default="data")
    run.add_argument("--reports-dir", default="reports")
    run.add_argument("--config", default=None, help="评分配置（默认 config/assessment.yaml）")
    run.add_argument("--lang", default="zh", choices=["zh", "en"])
    run.add_argument("--timeout", type=int, default=1800, help="每个单元格的最长执行秒数")
    run.add_argument("--no-progress", action="store_true", help="不显示进度条，只打印日志行")
    run.set_defaults(func=_cmd_run)

    demo = sub.add_parser("demo", help="写入演示团队的原始导出（可重复）")
    demo.add_argument("--data-dir", default="data")
    demo.add_argument("--seed", type=int, default=20261)
    demo.add_argument("--end-month", default="2026-10")
    demo.add_argument("--months", type=int, default=12)
    demo.add_argument("--force", action="store_true", help="data/raw 已有数据时也重写演示月份")
    demo.set_defaults(func=_cmd_demo)

    back = sub.add_parser("backfill", help="处理指定周期之前的月份（基线与趋势用），不生成报告")
    back.add_argument("--period", required=True)
    back.add_argument("--months", type=int, default=11)
    back.add_argument("--data-dir", default="data")
    back.add_argument("--config", default=None, help="评分配置（默认 config/assessment.yaml），与 run 的 --config 相同")
    back.add_argument("--force", action="store_true")
    back.set_defaults(func=_cmd_backfill)

    tpl = sub.add_parser("templates", help="写出团队表格的空模板（data/raw/templates/）")
    tpl.add_argument("--data-dir", default="data")
    tpl.set_defaults(func=_cmd_templates)

    latest = sub.add_parser("latest", help="打印 data/raw 中最新的月份")
    latest.add_argument("--data-dir", default="data")
    latest.set_defaults(func=_cmd_latest)

    bench = sub.add_parser("bench", help="性能基准：演示月份对比五内核下限、百万条内容的规模测试")
    bench.add_argument("--posts", type=int, default=1_000_000)
    bench.add_argument("--accounts", type=int, default=2000)
    bench.add_argument("--operators", type=int, default=200)
    bench.add_argument("--work-dir", default="bench/out")
    bench.add_argument("--skip-scale", action="store_true", help="只测演示月份与内核下限")
    bench.add_argument("--history", default=None, metavar="DATA_DIR",
                       help="只测多个月份的读取：pandas 对比 DuckDB（DATA_DIR/processed/<月份>/posts.parquet）")
    bench.add_argument("--compare", nargs=2, default=None, metavar=("BEFORE", "AFTER"),
                       help="只比较两个周期文件夹（data/processed/<周期>）里的每张表是否完全相同（assert_frame_equal）")
    bench.set_defaults(func=_cmd_bench)
    return parser


def main(argv: list[str] | None = None) -> int:
    from .config import ConfigError
    from .periods import PeriodError
    from .runner import RunError

    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except RunError as exc:
        print(str(exc), file=sys.stderr)
        return exc.exit_code
    except (ConfigError, PeriodError) as exc:
        print(str(exc), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("已中断。", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
