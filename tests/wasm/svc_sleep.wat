;; svc_sleep.wat — service processes that wait, for the supervisor tests
;; (tests/test_supervisor.c). They sleep with WASI poll_oneoff on a clock
;; subscription, so they park in the event loop (no CPU) until the time
;; comes or they are cancelled.
;;   forever          sleeps one second at a time, for ever
;;   nap_then_crash   sleeps 150 ms, then traps
;;   nap_then_done    sleeps 150 ms, then ends cleanly
(module
  (import "wasi_snapshot_preview1" "poll_oneoff"
    (func $poll_oneoff (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)

  ;; One clock subscription at 0 (48 bytes: userdata u64, tag u8 at 8,
  ;; clock id u32 at 16, timeout u64 at 24, precision u64 at 32, flags u16
  ;; at 40); the event is written at 64, the event count at 128.
  (func $sleep (param $ns i64)
    (i64.store (i32.const 0) (i64.const 0))
    (i32.store8 (i32.const 8) (i32.const 0))          ;; eventtype clock
    (i32.store (i32.const 16) (i32.const 1))          ;; CLOCK_MONOTONIC
    (i64.store (i32.const 24) (local.get $ns))        ;; relative timeout
    (i64.store (i32.const 32) (i64.const 0))
    (i32.store16 (i32.const 40) (i32.const 0))        ;; not absolute
    (if (call $poll_oneoff (i32.const 0) (i32.const 64) (i32.const 1) (i32.const 128))
      (then unreachable)))

  (func (export "forever")
    (loop $again
      (call $sleep (i64.const 1000000000))
      (br $again)))

  (func (export "nap_then_crash")
    (call $sleep (i64.const 150000000))
    unreachable)

  (func (export "nap_then_done")
    (call $sleep (i64.const 150000000))))
