;; crasher.wat — a worker that always fails: work() divides by zero, a
;; trap, so its process ends with an error. The Lua supervisor of the
;; example app (src/supervise_demo.lua) restarts it, then gives up.
(module
  (func (export "work") (result i32)
    (i32.div_s (i32.const 1) (i32.const 0))))
