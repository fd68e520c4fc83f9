# lit configuration of the mlc test suites (ir, passes, tools, e2e).
import os

import lit.formats

if not hasattr(config, "mlc_obj_root"):
    site_config = lit_config.params.get("mlc_site_config")
    if not site_config:
        lit_config.fatal(
            "run lit with --param mlc_site_config=<build>/test/lit.site.cfg.py "
            "(ctest does), or run the tests with ctest"
        )
    lit_config.load_config(config, site_config)

config.name = "mlc"
config.test_format = lit.formats.ShTest(execute_external=False)
config.suffixes = [".mlir", ".test"]
config.excludes = ["Inputs", "CMakeLists.txt", "lit.cfg.py", "lit.site.cfg.py"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.mlc_obj_root, "test")

# Tools: the project's own first, then LLVM's FileCheck/not/count.
config.environment["PATH"] = os.pathsep.join(
    [config.mlc_tools_dir, config.llvm_tools_dir, config.environment.get("PATH", "")]
)
for var in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "HOME"):
    if var in os.environ:
        config.environment[var] = os.environ[var]

# Ranks on this machine: mpirun with the flags the build chose, launching
# without ssh (lit's environment is small).
if config.mpirun:
    config.available_features.add("mpi")
    config.substitutions.append(("%mpirun", config.mpirun))
    config.environment["OMPI_MCA_plm_rsh_agent"] = ""

config.substitutions.append(("%mlc_src", config.mlc_src_root))
config.substitutions.append(("%mlc_bin", config.mlc_tools_dir))
config.substitutions.append(("%python", config.python_executable))
