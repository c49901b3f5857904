;; tail_calls.wat — fixtures for tests/test_tail_call.c (the tail-call
;; proposal: return_call, return_call_indirect): long tail-recursive
;; loops, mutual recursion, arguments that trade places, a callee with a
;; bigger frame, locals zeroed on entry, indirect tail calls and their
;; traps, tail calls to a host function that may suspend, a backtrace
;; after a tail call, and tail calls between two instances (with
;; tail_calls_other.wat).
(module
  (type $i_i (func (param i32) (result i32)))
  (type $ii_i (func (param i64 i64) (result i64)))
  (import "env" "wait" (func $wait (param i32) (result i32)))
  (import "other" "pong" (func $pong (param i64 i64) (result i64)))
  (import "other" "table" (table $other 1 funcref))
  (memory 1)
  (data (i32.const 0) "\03")
  (table $t 5 funcref)
  (elem (table $t) (i32.const 0) func $double $inc)
  (elem (table $t) (i32.const 3) func $id64 $wait)
  (elem (table $other) (i32.const 0) func $ping)

  ;; sum of 1..n, accumulated: n tail calls
  (func $loop (export "loop") (param $n i64) (param $acc i64) (result i64)
    (if (result i64) (i64.eqz (local.get $n))
      (then (local.get $acc))
      (else (return_call $loop (i64.sub (local.get $n) (i64.const 1))
                               (i64.add (local.get $acc) (local.get $n))))))

  ;; the same through the table, by a type index
  (func $loop_indirect (export "loop_indirect") (param $n i64) (param $acc i64) (result i64)
    (if (result i64) (i64.eqz (local.get $n))
      (then (local.get $acc))
      (else (return_call_indirect $t (type $ii_i)
              (i64.sub (local.get $n) (i64.const 1))
              (i64.add (local.get $acc) (local.get $n))
              (i32.const 1)))))

  (func $even (export "even") (param $n i32) (result i32)
    (if (result i32) (i32.eqz (local.get $n))
      (then (i32.const 1))
      (else (return_call $odd (i32.sub (local.get $n) (i32.const 1))))))
  (func $odd (export "odd") (param $n i32) (result i32)
    (if (result i32) (i32.eqz (local.get $n))
      (then (i32.const 0))
      (else (return_call $even (i32.sub (local.get $n) (i32.const 1))))))

  ;; the arguments trade places: (a, b, c) becomes (b, c, a), n times
  (func $rotate (export "rotate") (param $a i32) (param $b i32) (param $c i32) (param $n i32) (result i32)
    (if (result i32) (i32.eqz (local.get $n))
      (then (i32.add (i32.mul (local.get $a) (i32.const 100))
                     (i32.add (i32.mul (local.get $b) (i32.const 10)) (local.get $c))))
      (else (return_call $rotate (local.get $b) (local.get $c) (local.get $a)
                                 (i32.sub (local.get $n) (i32.const 1))))))

  ;; more arguments than the caller has slots, some of them constants and
  ;; a comparison: (x) -> $wide(x, 7, x < 10, x + 1)
  (func (export "widen") (param $x i32) (result i32)
    (return_call $wide (local.get $x) (i32.const 7) (i32.lt_u (local.get $x) (i32.const 10))
                       (i32.add (local.get $x) (i32.const 1))))
  (func $wide (param i32 i32 i32 i32) (result i32)
    (i32.add (i32.mul (local.get 0) (i32.const 1000))
             (i32.add (i32.mul (local.get 1) (i32.const 100))
                      (i32.add (i32.mul (local.get 2) (i32.const 10)) (local.get 3)))))

  ;; a tail call from a small frame to one of 300 locals: the value stack
  ;; grows under the frame; the caller's frame is read after the return
  (func (export "grow") (param $x i64) (result i64)
    (local $keep i64)
    (local.set $keep (i64.const 1000))
    (i64.add (call $to_big (local.get $x)) (local.get $keep)))
  (func $to_big (param $x i64) (result i64)
    (return_call $big (local.get $x)))
  (func $big (param $x i64) (result i64)
    (local i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64
           i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64
           i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64
           i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64
           i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64
           i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64
           i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64
           i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64
           i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64
           i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64
           i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64
           i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64
           i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64
           i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64
           i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64)
    (local.set 300 (local.get $x))
    (i64.add (local.get 300) (local.get 150)))

  ;; locals start at zero in every tail-called frame: $dirty finds its
  ;; local set only if the frame before it leaked it
  (func $dirty (export "dirty") (param $n i32) (result i32)
    (local $seen i32)
    (if (local.get $seen) (then (unreachable)))
    (local.set $seen (i32.const 12345))
    (if (result i32) (i32.eqz (local.get $n))
      (then (local.get $seen))
      (else (return_call $dirty (i32.sub (local.get $n) (i32.const 1))))))

  ;; table $t: 0 $double, 1 $inc, 2 null, 3 $id64 (another type), 4 $wait (the host)
  (func $double (param $x i32) (result i32) (i32.mul (local.get $x) (i32.const 2)))
  (func $inc (param $n i64) (param $acc i64) (result i64)
    (return_call $loop_indirect (local.get $n) (local.get $acc)))
  (func $id64 (param $x i64) (result i64) (local.get $x))
  ;; element i of $t called with x; i is in local 0, which the argument
  ;; (local 1) replaces before the call
  (func (export "dispatch") (param $i i32) (param $x i32) (result i32)
    (return_call_indirect $t (type $i_i) (local.get $x) (local.get $i)))

  ;; tail calls to the host: its results are this function's
  (func $ask (export "ask") (param $x i32) (result i32)
    (return_call $wait (i32.add (local.get $x) (i32.const 1))))
  (func (export "ask_twice") (param $x i32) (result i32)
    (i32.add (call $ask (local.get $x))
             (call $ask (i32.add (local.get $x) (i32.const 1)))))
  (func (export "ask_indirect") (param $x i32) (result i32)
    (return_call_indirect $t (type $i_i) (local.get $x) (i32.const 4)))

  ;; a trap after a tail call: the backtrace has $bt_fail where $bt_mid was
  (func $bt_outer (export "bt_outer") (param $x i32) (result i32)
    (i32.add (call $bt_mid (local.get $x)) (i32.const 1)))
  (func $bt_mid (param $x i32) (result i32)
    (return_call $bt_fail (local.get $x)))
  (func $bt_fail (param $x i32) (result i32)
    (i32.div_u (i32.const 1) (local.get $x)))

  ;; between instances: $ping adds this memory's byte 0 (3) and
  ;; tail-calls the other instance's $pong, which tail-calls back through
  ;; its table until n is 0, then adds its own byte 0 (5): 3 (n + 1) + 5
  (func $ping (param $n i64) (param $acc i64) (result i64)
    (return_call $pong (local.get $n) (i64.add (local.get $acc) (i64.load8_u (i32.const 0)))))
  (func (export "cross") (param $n i64) (result i64)
    (return_call $ping (local.get $n) (i64.const 0)))
  ;; after the other instance returns, this one's memory is back: + 3
  (func (export "cross_then_load") (param $n i64) (result i64)
    (i64.add (call $ping (local.get $n) (i64.const 0)) (i64.load8_u (i32.const 0)))))
