;; wasi_nomem.wat — a command without a memory: every pointer it hands to
;; WASI is out of bounds (EFAULT, 21), which it exits with.
(module
  (import "wasi_snapshot_preview1" "fd_write"
    (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (func (export "_start")
    (call $proc_exit
      (call $fd_write (i32.const 1) (i32.const 0) (i32.const 0) (i32.const 0)))))
