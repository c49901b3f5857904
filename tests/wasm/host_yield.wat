;; host_yield.wat — WASI calls without wasi-libc: yields(n) calls
;; sched_yield n times (each a park and resume in the process host),
;; sleep_ms(ms) waits in poll_oneoff on one relative clock subscription,
;; and quit(code) calls proc_exit.
(module
  (import "wasi_snapshot_preview1" "sched_yield" (func $sched_yield (result i32)))
  (import "wasi_snapshot_preview1" "poll_oneoff"
    (func $poll_oneoff (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") 1)
  (func (export "yields") (param $n i32) (result i32)
    (local $i i32)
    (block $out
      (loop $l
        (br_if $out (i32.ge_u (local.get $i) (local.get $n)))
        (drop (call $sched_yield))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $l)))
    (local.get $n))
  ;; subscription at 0 (48 bytes): userdata, tag 0 = clock, clock id 1
  ;; (monotonic), timeout in ns, precision, flags 0 (relative); the event
  ;; goes to 64, the count to 128.
  (func (export "sleep_ms") (param $ms i32) (result i32)
    (i64.store (i32.const 0) (i64.const 7))
    (i32.store8 (i32.const 8) (i32.const 0))
    (i32.store (i32.const 16) (i32.const 1))
    (i64.store (i32.const 24) (i64.mul (i64.extend_i32_u (local.get $ms)) (i64.const 1000000)))
    (i64.store (i32.const 32) (i64.const 0))
    (i32.store16 (i32.const 40) (i32.const 0))
    (drop (call $poll_oneoff (i32.const 0) (i32.const 64) (i32.const 1) (i32.const 128)))
    (local.get $ms))
  (func (export "quit") (param $code i32) (result i32)
    (call $proc_exit (local.get $code))
    (i32.const -1)))
