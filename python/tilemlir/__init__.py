"""TileMLIR from Python: the autotuning guide's API under the name
``tilemlir`` (``import tilemlir.language as T``, ``@tilemlir.jit``,
``@tilemlir.autotune``, ``tilemlir.autotuner.AutoTuner``), pure Python over
the C API (libTileMLIRCAPI.so) through ctypes."""

from . import language
from ._capi import TileMLIRError
from .autotuner import TensorSupplyType, autotune
from .jit import JITImpl, JITKernel, jit

__all__ = ["language", "jit", "autotune", "TensorSupplyType", "JITImpl", "JITKernel",
           "TileMLIRError", "__version__"]


def __getattr__(name):
    # The one version number is the project's (CMakeLists.txt), which the C
    # API reports.
    if name == "__version__":
        from ._capi import lib
        return lib().tlGetVersion().text()
    raise AttributeError(name)
