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
    # A chart made legible records its smallest text (px of the image) in the PNG, for the reader tests to check
    # against the size the browser shows the image at.
    small = getattr(fig, "_mediakpi_min_text_px", None)
    meta = {"Description": f"min-text-px={small:.2f}"} if small and fmt == "png" else None
    # legible() has just measured the tight bbox savefig would measure again (the figure unchanged since): reuse it
    bbox = getattr(fig, "_mediakpi_tight_bbox", None)
    if bbox is not None and matplotlib.rcParams["savefig.bbox"] == "tight":
        fig.savefig(buf, format=fmt, metadata=meta, bbox_inches=bbox.padded(matplotlib.rcParams["savefig.pad_inches"]))
    else:
        fig.savefig(buf, format=fmt, metadata=meta)
    plt.close(fig)
    return f"data:image/{fmt};base64," + base64.b64encode(buf.getvalue()).decode("ascii")


PHONE_CONTENT_PX = 340   # the width a chart gets inside a page on a 390-px phone (page and section padding taken off)
MIN_PHONE_PX = 11        # the smallest text a reader should get on that phone, in CSS px
MAX_WIDTH_IN = 5.2       # wider report charts would need very large fonts to stay legible when shrunk to a phone


def _saved_width_px(fig) -> float:
    """The width in px of the image savefig will write (bbox "tight" may crop or grow the figure).

    Laid out as savefig(bbox_inches="tight") measures it: a draw with rendering disabled (text extents, ticks, layout;
    no pixels), which gives the same bbox as a full canvas draw at a fraction of the cost (issue 18: the report's
    charts spent most of their time rasterising figures only to measure them)."""
    fig.draw_without_rendering()
    return fig.get_tightbbox(fig.canvas.get_renderer()).width * DPI


def _tight_bbox(fig):
    fig.draw_without_rendering()
    return fig.get_tightbbox(fig.canvas.get_renderer())


def legible(fig, phone_px: int = PHONE_CONTENT_PX, min_px: float = MIN_PHONE_PX):
    """Make every text of `fig` at least `min_px` CSS px tall when the saved image is shrunk to `phone_px` wide: the
    figure is narrowed to MAX_WIDTH_IN at most, any smaller font is raised for the figure's width, and the layout is
    tightened so that the larger labels fit inside that width (not in a wider image that a phone would shrink more).
    The smallest text's size in image px is recorded for to_data_uri. Returns the figure."""
    import warnings as _w

    from matplotlib.text import Text

    w, h = fig.get_size_inches()
    if w > MAX_WIDTH_IN:
        fig.set_size_inches(MAX_WIDTH_IN, h * max(0.75, MAX_WIDTH_IN / w))
    # Larger text needs more height too (seven weekday labels of a heatmap must not overlap): grow the height by the
    # factor the smallest text is raised, at most twice.
    sizes = [t.get_fontsize() for t in fig.findobj(Text) if t.get_text().strip()]
    measured = None  # the last measurement while the figure has not changed since (a layout pass costs ~0.1 s)
    if sizes:
        measured = _saved_width_px(fig)
        width_px = max(measured, fig.get_size_inches()[0] * DPI, phone_px)
        need = min_px * (width_px / phone_px) * 72 / DPI
        if need > min(sizes):
            w, h = fig.get_size_inches()
            fig.set_size_inches(w, h * min(2.0, need / min(sizes)))
            measured = None
    for _ in range(3):
        width_px = max(_saved_width_px(fig) if measured is None else measured, fig.get_size_inches()[0] * DPI,
                       phone_px)
        min_pt = min_px * (width_px / phone_px) * 72 / DPI
        for text in fig.findobj(Text):
            if text.get_text() and text.get_fontsize() < min_pt:
                text.set_fontsize(min_pt)
        with _w.catch_warnings():
            _w.simplefilter("ignore")
            try:
                fig.tight_layout()
            except Exception:  # noqa: BLE001 - a layout that cannot be tightened keeps its size; measured below
                pass
        bbox = _tight_bbox(fig)
        measured = bbox.width * DPI
        if measured <= width_px * 1.01:
            break
    else:
        bbox = None
    fig._mediakpi_min_text_px = min_text_px(fig)
    fig._mediakpi_tight_bbox = bbox  # for to_data_uri: the figure as last measured, laid out for saving
    return fig


def min_text_px(fig) -> float:
    """The smallest visible, non-empty text of `fig` in px of the saved image."""
    from matplotlib.text import Text

    sizes = [t.get_fontsize() for t in fig.findobj(Text) if t.get_text().strip() and t.get_visible()]
    return min(sizes) * DPI / 72 if sizes else 0.0
