;; vm_calls.wat — fixtures for the engine's resumable-execution tests:
;; recursion, loops (fuel), a host import that may suspend, traps with a
;; backtrace, memory and tables.
(module
  (import "env" "wait" (func $wait (param i32) (result i32)))
  (memory (export "memory") 1 4)
  (table $t 4 funcref)
  (elem (i32.const 0) $fib $inner)

  (func $fib (export "fib") (param $n i32) (result i32)
    (if (result i32) (i32.lt_u (local.get $n) (i32.const 2))
      (then (local.get $n))
      (else (i32.add (call $fib (i32.sub (local.get $n) (i32.const 1)))
                     (call $fib (i32.sub (local.get $n) (i32.const 2)))))))

  ;; sum of i*i for i < n, with a loop and memory traffic
  (func (export "sum_squares") (param $n i32) (result i64)
    (local $i i32) (local $acc i64)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (i64.store (i32.const 8) (i64.mul (i64.extend_i32_u (local.get $i))
                                          (i64.extend_i32_u (local.get $i))))
        (local.set $acc (i64.add (local.get $acc) (i64.load (i32.const 8))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (local.get $acc))

  ;; calls the host for each i < n and sums what it answers
  (func (export "ask_host") (param $n i32) (result i32)
    (local $i i32) (local $acc i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $acc (i32.add (local.get $acc) (call $wait (local.get $i))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (local.get $acc))

  (func $depth (export "depth") (param $n i32) (result i32)
    (if (result i32) (i32.eqz (local.get $n))
      (then (i32.const 0))
      (else (i32.add (call $depth (i32.sub (local.get $n) (i32.const 1))) (i32.const 1)))))

  (func $forever (export "forever") (result i32)
    (call $forever))

  (func (export "spin") (loop $l (br $l)))

  (func $inner (param $d i32) (result i32)
    (i32.div_s (i32.const 100) (local.get $d)))
  (func $outer (export "outer") (param $d i32) (result i32)
    (i32.add (i32.const 1) (call $inner (local.get $d))))

  (func (export "indirect") (param $i i32) (param $x i32) (result i32)
    (call_indirect (param i32) (result i32) (local.get $x) (local.get $i)))

  (func (export "grow") (param $pages i32) (result i32)
    (memory.grow (local.get $pages)))

  ;; an address sum that wraps at 32 bits, folded into the load (I32_LOAD_ADD)
  (func (export "wrapped_load") (param $p i32) (result i32)
    (i32.store (i32.const 4) (i32.const 0x2a))
    (i32.load (i32.add (local.get $p) (i32.const 8))))

  (func (export "grow_table") (param $n i32) (result i32)
    (table.grow $t (ref.null func) (local.get $n)))

  ;; multi-value and block parameters, local.tee and select
  (func (export "swap_sum") (param $a i32) (param $b i32) (result i32 i32 i32)
    (local.get $b) (local.get $a)
    (block (param i32 i32) (result i32 i32 i32)
      (local.tee $a (i32.add (local.get $a) (local.get $b)))
      (drop)
      (local.get $a))
    ))
