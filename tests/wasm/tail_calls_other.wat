;; tail_calls_other.wat — the second instance of the cross-instance tail
;; calls in tests/test_tail_call.c: $pong, with a memory of its own (byte
;; 0 is 5), tail-calls back through its exported table, where the main
;; fixture (tail_calls.wat) puts its $ping.
(module
  (type $ii_i (func (param i64 i64) (result i64)))
  (table (export "table") 1 funcref)
  (memory 1)
  (data (i32.const 0) "\05")

  ;; n = 0: acc + 5 (this instance's memory); else ping(n - 1, acc)
  (func (export "pong") (param $n i64) (param $acc i64) (result i64)
    (if (result i64) (i64.eqz (local.get $n))
      (then (i64.add (local.get $acc) (i64.load8_u (i32.const 0))))
      (else (return_call_indirect (type $ii_i)
              (i64.sub (local.get $n) (i64.const 1)) (local.get $acc) (i32.const 0))))))
