;; wasi_nostart.wat — a module that is not a command: no `_start`.
(module
  (import "wasi_snapshot_preview1" "sched_yield" (func $yield (result i32)))
  (func (export "main") (result i32) (call $yield)))
