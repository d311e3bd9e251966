"""One plotting setup for every chart: seaborn theme, then a Chinese font that is known to resolve.

The font ships with the environment (PyPI package `noto-cjk-sans-otc`, OFL), so a fresh machine needs no apt package
and no font-cache edit: it is registered with `fontManager.addfont` at start-up, after `sns.set_theme` (which would
otherwise reset `font.family`). If no CJK family resolves, `setup()` raises instead of drawing boxes.
"""
from __future__ import annotations

import base64
import io
import warnings
from functools import lru_cache

import matplotlib

CJK_FAMILIES = ["Noto Sans CJK SC", "Source Han Sans SC", "Noto Sans CJK JP", "WenQuanYi Micro Hei", "WenQuanYi Zen Hei"]
DPI = 110


class FontMissing(RuntimeError):
    pass


@lru_cache(maxsize=1)
def _register_bundled_font() -> str | None:
    from matplotlib import font_manager as fm

    try:
        from noto_cjk_sans_otc import FONT_PATH
    except ImportError:  # pragma: no cover - the package is a hard dependency
        return None
    fm.fontManager.addfont(str(FONT_PATH))
    return str(FONT_PATH)


def cjk_family() -> str:
    """The first CJK family that matplotlib can actually load."""
    from matplotlib import font_manager as fm

    _register_bundled_font()
    for family in CJK_FAMILIES:
        try:
            fm.findfont(fm.FontProperties(family=family), fallback_to_default=False)
            return family
        except ValueError:
            continue
    raise FontMissing("没有找到可用的中文字体：请重新运行安装（make setup），它会安装 noto-cjk-sans-otc。")


def setup(context: str = "notebook") -> str:
    """Apply the house theme; return the CJK family in use. Call before drawing (idempotent)."""
    if matplotlib.get_backend().lower() not in {"agg", "module://matplotlib_inline.backend_inline", "inline"}:
        try:
            matplotlib.use("Agg", force=False)
        except Exception:  # pragma: no cover
            pass
    import seaborn as sns

    family = cjk_family()
    sns.set_theme(context=context, style="whitegrid", palette="deep")
    matplotlib.rcParams.update({
        "font.family": "sans-serif",
        "font.sans-serif": [family, "DejaVu Sans"],
        "axes.unicode_minus": False,
        "figure.dpi": DPI,
        "savefig.dpi": DPI,
        "savefig.bbox": "tight",
    })
    warnings.filterwarnings("ignore", message=".*is_categorical_dtype.*")
    return family


def to_data_uri(fig, fmt: str = "png") -> str:
    """A figure as an embeddable `data:` URI (reports are self-contained); the figure is closed."""
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    fig.savefig(buf, format=fmt)
    plt.close(fig)
    return f"data:image/{fmt};base64," + base64.b64encode(buf.getvalue()).decode("ascii")
