;; host_basic.wat — numeric process methods for the process host tests:
;; results of every kind, a crash, a busy loop, counted work, recursion
;; and memory growth (for the limits).
(module
  (memory (export "memory") 1)
  (func $compute (export "compute") (param $a i32) (param $b i32) (result i32)
    (i32.mul (local.get $a) (local.get $b)))
  (func $crash (export "crash") (result i32)
    (call $deeper)
    (i32.const 0))
  (func $deeper
    unreachable)
  ;; never returns: only fuel slices and deadlines stop it
  (func $spin (export "spin") (result i32)
    (loop $l (br $l))
    (i32.const 0))
  ;; n iterations of a loop, then n
  (func $count (export "count") (param $n i32) (result i32)
    (local $i i32)
    (block $out
      (loop $l
        (br_if $out (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $l)))
    (local.get $n))
  ;; recursion n deep, then n
  (func $deep (export "deep") (param $n i32) (result i32)
    (if (result i32) (local.get $n)
      (then (i32.add (call $deep (i32.sub (local.get $n) (i32.const 1))) (i32.const 1)))
      (else (i32.const 0))))
  (func (export "grow") (param $pages i32) (result i32)
    (memory.grow (local.get $pages)))
  (func (export "neg") (result i32) (i32.const -5))
  (func (export "big") (result i64) (i64.const 0x10000000000))
  (func (export "half") (param $x f64) (result f64) (f64.mul (local.get $x) (f64.const 0.5)))
  (func (export "threeish") (result f64) (f64.const 3.75))
  (func (export "nan") (result f64) (f64.div (f64.const 0) (f64.const 0)))
  (func (export "nothing")))
