// Checks of mlc-run's file options before anything is opened: no output may
// name an input or another output, and each output must be of a kind that
// can be written.
#ifndef MLC_TOOLS_MLCRUN_PATHS_H
#define MLC_TOOLS_MLCRUN_PATHS_H

#include "tools/common/Args.h"

#include "runtime/Status.h"

namespace mlc::run {

/// Refuses an output (--metrics, --save, --save-params, --save-outputs) that
/// names an input
/// (the executable, --data, --eval-data, --init-from, --resume) or another
/// output, with a message naming both options and the path. Files are
/// compared by identity, not by spelling: device and inode when the file
/// exists (symlinks and hard links included), else the resolved folder and
/// the name. --save may name the --resume file: resuming and checkpointing
/// to one file is a normal workflow, and the write is atomic.
///
/// Also refuses, before training starts, outputs that could not be written:
/// --metrics may be a regular file, a character device or a FIFO
/// (/dev/null, /dev/stdout) but not a directory; --save, --save-params and
/// --save-outputs, if they exist, must be regular files. An empty file name is
/// an error.
rt::Status checkPaths(const tools::Args &args);

} // namespace mlc::run

#endif // MLC_TOOLS_MLCRUN_PATHS_H
