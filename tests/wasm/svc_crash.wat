;; svc_crash.wat — service processes without WASI, for the supervisor tests
;; (tests/test_supervisor.c): `crash` traps at once, `done` ends cleanly
;; at once, `spin` runs until it is cancelled (it ends at a slice boundary).
(module
  (func (export "crash")
    unreachable)
  (func (export "done"))
  (func (export "spin")
    (loop $forever (br $forever))))
