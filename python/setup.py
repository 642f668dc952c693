"""The package's version is the project's: project(TileMLIR VERSION x.y.z) in
the top CMakeLists.txt, the one place it is written. The C API library of
the build (TILEMLIR_BUILD, default ../build) goes into the package as
tilemlir/_lib/libTileMLIRCAPI.so when it has been built."""
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
        lib = os.path.join(build, "lib", "libTileMLIRCAPI.so")
        if os.path.exists(lib):
            dest = os.path.join(self.build_lib, "tilemlir", "_lib")
            os.makedirs(dest, exist_ok=True)
            shutil.copy2(lib, dest)


setup(version=version, cmdclass={"build_py": BuildWithLibrary})
