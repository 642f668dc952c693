"""The package's version is the project's: project(TileMLIR VERSION x.y.z) in
the top CMakeLists.txt, the one place it is written. The C API library of
the build (TILEMLIR_BUILD, default ../build) goes into the package as
tilemlir/_lib/libTileMLIRCAPI.so (and the runtime library alone,
libTileMLIRRuntime.so, beside it), and its worker program as
tilemlir/bin/tl-worker, when they have been built."""
import os
import re
import shutil

from setuptools import setup
from setuptools.command.build_py import build_py

here = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(here, "..", "CMakeLists.txt")) as f:
    version = re.search(r"project\(TileMLIR VERSION ([0-9.]+)", f.read()).group(1)


class BuildWithLibrary(build_py):
    def run(self):
        super().run()
        build = os.environ.get("TILEMLIR_BUILD", os.path.join(here, "..", "build"))
        # The library, and tl-worker in the bin/ beside it (where the C API
        # looks for the programs it starts).
        for src, sub in (("lib/libTileMLIRCAPI.so", "_lib"), ("lib/libTileMLIRRuntime.so", "_lib"),
                         ("bin/tl-worker", "bin")):
            path = os.path.join(build, src)
            if os.path.exists(path):
                dest = os.path.join(self.build_lib, "tilemlir", sub)
                os.makedirs(dest, exist_ok=True)
                shutil.copy2(path, dest)


setup(version=version, cmdclass={"build_py": BuildWithLibrary})
