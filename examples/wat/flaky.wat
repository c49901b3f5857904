;; flaky.wat — a service that keeps failing: run() sleeps two seconds
;; (WASI poll_oneoff on a clock subscription, so the process parks in the
;; event loop instead of spinning) and then traps. The process.service in
;; ../src/_index.yaml restarts it with exponential backoff.
(module
  (import "wasi_snapshot_preview1" "poll_oneoff"
    (func $poll_oneoff (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)

  ;; The subscription at 0: userdata (u64), tag 0 = clock (u8 at 8),
  ;; clock id (u32 at 16), timeout in ns (u64 at 24), precision (u64 at
  ;; 32), flags (u16 at 40; 0 = relative). The event goes to 64, the
  ;; number of events to 128.
  (func $sleep (param $ns i64)
    (i32.store8 (i32.const 8) (i32.const 0))
    (i32.store (i32.const 16) (i32.const 1))
    (i64.store (i32.const 24) (local.get $ns))
    (drop (call $poll_oneoff (i32.const 0) (i32.const 64) (i32.const 1) (i32.const 128))))

  (func (export "run")
    (call $sleep (i64.const 2000000000))
    unreachable))
