#!/usr/bin/env bash
# One prepared run on a CUDA machine with no network (torch, transformers and sentencepiece
# already installed): installs the carried CTranslate2 wheel, lets it find cuBLAS, checks the
# product's CUDA device and dtype choices, and runs the speed benchmark's stages on the GPU
# with float16 against raw CTranslate2 float16.
#
#   bash benchmarks/gpu_check.sh WHEELS_DIR OUT_DIR [COMMAND...]
#
# With a COMMAND, that runs instead of the speed benchmark (after the same set-up), e.g. a
# longer `python3 -m benchmarks.engine_speed` run of one workload.
# WHEELS_DIR holds ctranslate2-*.whl for the machine's Python (pip download ctranslate2
# --no-deps --python-version 3.12 --only-binary=:all:). OUT_DIR receives the logs.
set -u
wheels=${1:?wheels folder}
out=${2:?output folder}
mkdir -p "$out"
log() { echo "== $*" | tee -a "$out/gpu_check.log"; }

nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv | tee -a "$out/gpu_check.log"
python3 -m pip install --no-deps --no-index -q "$wheels"/ctranslate2-*.whl 2>&1 | tail -2

# CTranslate2 4.x is built against CUDA 12 and opens libcublas.so.12 at run time. A machine
# whose PyTorch ships CUDA 13 has libcublas.so.13 only; cuBLAS keeps the symbols CTranslate2
# calls, so a link under the old name is tried (and reported) before giving up on CUDA.
site=$(python3 -c 'import site; print(site.getsitepackages()[0])')
cublas12=$(find "$site" /usr/local/cuda* /usr/lib -name 'libcublas.so.12*' 2>/dev/null | head -1)
if [ -n "$cublas12" ]; then
    export LD_LIBRARY_PATH="$(dirname "$cublas12"):${LD_LIBRARY_PATH:-}"
    log "cuBLAS 12 found: $cublas12"
else
    cublas=$(find "$site" /usr/local/cuda* /usr/lib -name 'libcublas.so.1[3-9]*' 2>/dev/null | head -1)
    cublaslt=$(find "$site" /usr/local/cuda* /usr/lib -name 'libcublasLt.so.1[3-9]*' 2>/dev/null | head -1)
    links=/tmp/cublas12-links
    mkdir -p "$links"
    [ -n "$cublas" ] && ln -sf "$cublas" "$links/libcublas.so.12"
    [ -n "$cublaslt" ] && ln -sf "$cublaslt" "$links/libcublasLt.so.12"
    export LD_LIBRARY_PATH="$links:$(dirname "${cublas:-/nonexistent}"):${LD_LIBRARY_PATH:-}"
    log "no cuBLAS 12; linked $cublas and $cublaslt as .so.12"
fi

log "CTranslate2 on CUDA"
python3 - <<'EOF' 2>&1 | tee -a "$out/gpu_check.log"
import ctranslate2
print("ctranslate2", ctranslate2.__version__, "cuda devices", ctranslate2.get_cuda_device_count())
print("cuda compute types", sorted(ctranslate2.get_supported_compute_types("cuda")))
EOF

log "device and dtype choices"
python3 - <<'EOF' 2>&1 | tee -a "$out/gpu_check.log"
import torch
from summarize.engines.ctranslate2_engine import compute_type_for
from summarize.engines.transformers_engine import resolve_device, resolve_dtype
device = resolve_device("auto")
print("auto device:", device, "| auto dtype:", resolve_dtype("auto", device),
      "| bf16 supported:", torch.cuda.is_bf16_supported())
print("ct2 compute types: auto", compute_type_for(device, "auto"),
      "| float16", compute_type_for(device, "float16"))
EOF

shift 2
if [ $# -gt 0 ]; then
    log "$*"
    "$@" 2>&1 | grep -v "Loading weights" | tee "$out/command.log"
    exit 0
fi

log "speed benchmark stages on CUDA, float16"
timeout "${SPEED_TIMEOUT:-420}" python3 -m benchmarks.speed --device cuda --ct2-dtype float16 \
    --no-end-to-end --transformers --articles 16 --sentences 64 --naive-sample 8 \
    --json "$out/speed_cuda.json" 2>&1 | grep -v "Loading weights" | tee "$out/speed_cuda.log"
log "done"
