;; simd.wat — v128 values through the engine, for tests/test_simd_vm.c:
;; params, results, locals and globals; calls passing i32/v128/f64/i64
;; arguments in place; several results; v128 results through blocks,
;; br_table, br_if, if and a loop; select; tail calls with v128 arguments
;; (the Makefile builds it with --enable-tail-call --enable-multi-memory);
;; loads and stores with their bounds on memory 0 and memory 1.
(module
  ;; A host function taking and returning v128 (defined by the test).
  (func $scale (import "env" "scale") (param i32 v128) (result v128 i32))
  (memory $m0 (export "mem0") 1)
  (memory $m1 (export "mem1") 1)
  (global $g (export "g") (mut v128) (v128.const i32x4 1 2 3 4))
  (global $step v128 (v128.const i32x4 10 20 30 40))
  (global $count (mut i32) (i32.const 0))

  (func (export "id") (param v128) (result v128) (local.get 0))

  ;; lanes of v + w + splat(a) + splat(trunc d) + splat(wrap k)
  (func $mix (param $a i32) (param $v v128) (param $d f64) (param $w v128) (param $k i64) (result v128)
    (i32x4.add
      (i32x4.add (i32x4.add (local.get $v) (i32x4.splat (local.get $a)))
                 (i32x4.splat (i32.trunc_f64_s (local.get $d))))
      (i32x4.add (local.get $w) (i32x4.splat (i32.wrap_i64 (local.get $k))))))
  (func (export "mix") (param i32 v128 f64 v128 i64) (result v128)
    (call $mix (local.get 0) (local.get 1) (local.get 2) (local.get 3) (local.get 4)))

  ;; The same call with an i32 and a v128 below its arguments on the
  ;; stack, v128 and f64 locals among scalar ones: lane 3 of the result
  ;; (40 + 1 + 5 + 400 + 7 = 453) plus x, plus lane 1 of the v128 kept below.
  (func (export "mix_deep") (param $x i32) (result i32)
    (local $i i32) (local $v v128) (local $f f64) (local $j i64)
    (local.set $v (v128.const i32x4 10 20 30 40))
    (local.set $f (f64.const 5.5))
    (local.set $j (i64.const 7))
    (local.get $x)
    (v128.const i32x4 0 1000 0 0)
    (call $mix (i32.const 1) (local.get $v) (local.get $f) (v128.const i32x4 100 200 300 400) (local.get $j))
    (i32x4.extract_lane 3)
    (local.set $i)
    (i32x4.extract_lane 1)
    (i32.add (local.get $i))
    (i32.add))

  ;; Several results: (v, 9, -v as i8 lanes).
  (func $three (param v128) (result v128 i32 v128)
    (local.get 0) (i32.const 9) (i8x16.neg (local.get 0)))
  (func (export "three_sum") (param v128) (result i32)
    (local $a v128) (local $b v128) (local $c i32)
    (call $three (local.get 0))
    (local.set $b) (local.set $c) (local.set $a)
    (i32.add (i8x16.extract_lane_s 0 (local.get $a))
             (i32.add (local.get $c) (i8x16.extract_lane_s 0 (local.get $b)))))

  ;; n = 0: v + 1; n = 1: v * 2; otherwise v (through br_table, br_if, br).
  (func (export "pick") (param $n i32) (param $v v128) (result v128)
    (block $out (result v128)
      (block $b2 (result v128)
        (block $b1 (result v128)
          (local.get $v)
          (br_table $b1 $b2 $out (local.get $n)))
        (i32x4.add (v128.const i32x4 1 1 1 1))
        (br $out))
      (local.set $v)
      (br_if $out (i32x4.mul (local.get $v) (v128.const i32x4 2 2 2 2))
                  (i32.eq (local.get $n) (i32.const 1)))
      (drop)
      (v128.const i32x4 0 0 0 0)))

  ;; A loop with a v128 parameter: n times (1, 2, 3, 4) added.
  (func (export "loop_sum") (param $n i32) (result v128)
    (v128.const i32x4 0 0 0 0)
    (loop $l (param v128) (result v128)
      (i32x4.add (v128.const i32x4 1 2 3 4))
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br_if $l (local.get $n))))

  ;; if/else with a v128 result, and select (plain and typed).
  (func (export "choose") (param $c i32) (param $a v128) (param $b v128) (result v128)
    (if (result v128) (local.get $c)
      (then (local.get $a))
      (else (local.get $b))))
  (func (export "sel") (param $c i32) (param $a v128) (param $b v128) (result v128)
    (select (local.get $a) (local.get $b) (local.get $c)))
  (func (export "sel_typed") (param $c i32) (param $a v128) (param $b v128) (result v128)
    (select (result v128) (local.get $a) (local.get $b) (local.get $c)))

  ;; Globals: g += step, returns the new g.
  (func (export "bump") (result v128)
    (global.set $g (i32x4.add (global.get $g) (global.get $step)))
    (global.get $g))

  ;; Tail calls: n times v += splat(k) (i64 lanes), through return_call
  ;; with v128 arguments, among scalars.
  (func $acc (param $n i32) (param $v v128) (param $k i64) (result v128)
    (if (result v128) (i32.eqz (local.get $n))
      (then (local.get $v))
      (else (return_call $acc (i32.sub (local.get $n) (i32.const 1))
                              (i64x2.add (local.get $v) (i64x2.splat (local.get $k)))
                              (local.get $k)))))
  (func (export "tail") (param i32 i64) (result v128)
    (return_call $acc (local.get 0) (v128.const i64x2 0 100) (local.get 1)))

  ;; The host function: lane 2 of its v128 result plus its i32 result.
  (func (export "call_host") (param $v v128) (result i32)
    (local $c i32)
    (call $scale (i32.const 3) (local.get $v))
    (local.set $c)
    (i32x4.extract_lane 2)
    (i32.add (local.get $c)))

  ;; Memory 0, with the bounds checked for the access's width.
  (func (export "load") (param i32) (result v128) (v128.load offset=16 (local.get 0)))
  (func (export "store") (param i32 v128) (v128.store (local.get 0) (local.get 1)))
  (func (export "load_splat") (param i32) (result v128) (v128.load32_splat (local.get 0)))
  (func (export "load_lane") (param i32 v128) (result v128) (v128.load16_lane 5 (local.get 0) (local.get 1)))
  (func (export "store_lane") (param i32 v128) (v128.store32_lane offset=4 2 (local.get 0) (local.get 1)))

  ;; Memory 1.
  (func (export "m1_load") (param i32) (result v128) (v128.load $m1 offset=1 (local.get 0)))
  (func (export "m1_store") (param i32 v128) (v128.store $m1 (local.get 0) (local.get 1)))
  (func (export "m1_load_zero") (param i32) (result v128) (v128.load64_zero $m1 (local.get 0)))
  (func (export "m1_load_lane") (param i32 v128) (result v128)
    (v128.load64_lane $m1 1 (local.get 0) (local.get 1)))
  (func (export "m1_store_lane") (param i32 v128) (v128.store8_lane $m1 15 (local.get 0) (local.get 1)))

  ;; A longer loop for fuel slices: n rounds of shuffles, bitselects and
  ;; integer and float lane arithmetic, folded into one i32.
  (func (export "churn") (param $n i32) (result i32)
    (local $a v128) (local $b v128)
    (local.set $a (v128.const i32x4 1 2 3 4))
    (local.set $b (v128.const f32x4 0.5 1.5 2.5 3.5))
    (loop $l
      (local.set $a (i8x16.shuffle 4 5 6 7 8 9 10 11 12 13 14 15 0 1 2 3
                      (i32x4.add (local.get $a) (i32x4.splat (local.get $n)))
                      (local.get $b)))
      (local.set $b (f32x4.add (local.get $b) (f32x4.convert_i32x4_s (v128.and (local.get $a)
                                                (v128.const i32x4 0xff 0xff 0xff 0xff)))))
      (local.set $a (v128.bitselect (local.get $a) (i32x4.shl (local.get $a) (i32.const 1))
                                    (v128.const i64x2 0x00ff00ff00ff00ff 0x0f0f0f0f0f0f0f0f)))
      (global.set $count (i32.add (global.get $count) (i32.const 1)))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (i32.xor (i32x4.extract_lane 0 (local.get $a))
             (i32.xor (i32x4.extract_lane 3 (local.get $a))
                      (i32.trunc_sat_f32_u (f32x4.extract_lane 2 (local.get $b))))))
)
