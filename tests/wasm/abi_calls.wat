;; abi_calls.wat — exports for the canonical-ABI tests (tests/test_abi.c):
;; numbers echoed back, a function taking every scalar type, string
;; functions through cabi_realloc, and fixed [ptr, len] records at 64..
;; for lifting string results (good, invalid UTF-8, out of bounds).
(module
  (memory (export "memory") 1)
  (global $heap (mut i32) (i32.const 1024))
  (data (i32.const 16) "Hello, ")
  (data (i32.const 64) "\00\01\00\00\06\00\00\00")   ;; 64: [256, 6]  "héllo"
  (data (i32.const 72) "\10\01\00\00\02\00\00\00")   ;; 72: [272, 2]  invalid UTF-8
  (data (i32.const 80) "\f0\ff\00\00\00\01\00\00")   ;; 80: [0xfff0, 256] past the end
  (data (i32.const 88) "\00\00\00\00\00\00\00\00")   ;; 88: [0, 0] the empty string
  (data (i32.const 256) "h\c3\a9llo")
  (data (i32.const 272) "\ff\fe")

  ;; A bump allocator (as in examples/wat/greet.wat, without growing).
  (func $cabi_realloc (export "cabi_realloc")
        (param $old i32) (param $old_size i32) (param $align i32) (param $size i32)
        (result i32)
    (local $ptr i32)
    (local.set $ptr
      (i32.and (i32.add (global.get $heap) (i32.sub (local.get $align) (i32.const 1)))
               (i32.sub (i32.const 0) (local.get $align))))
    (global.set $heap (i32.add (local.get $ptr) (local.get $size)))
    (if (local.get $old)
      (then (memory.copy (local.get $ptr) (local.get $old) (local.get $old_size))))
    (local.get $ptr))

  (func (export "add") (param i32 i32) (result i32)
    (i32.add (local.get 0) (local.get 1)))
  (func (export "echo32") (param i32) (result i32) (local.get 0))
  (func (export "echo64") (param i64) (result i64) (local.get 0))
  (func (export "echof32") (param f32) (result f32) (local.get 0))
  (func (export "echof64") (param f64) (result f64) (local.get 0))
  (func (export "nothing"))
  (func (export "pair") (result i32 i32) (i32.const 1) (i32.const 2))

  ;; scalars(bool, s8, s16, s32, s64, u8, u16, u32, u64, f32, f64, char) -> f64:
  ;; the sum, each integer converted as signed or unsigned per its type.
  (func (export "scalars")
        (param $b i32) (param $s8 i32) (param $s16 i32) (param $s32 i32) (param $s64 i64)
        (param $u8 i32) (param $u16 i32) (param $u32 i32) (param $u64 i64)
        (param $f32 f32) (param $f64 f64) (param $c i32) (result f64)
    (f64.add
      (f64.add
        (f64.add
          (f64.add (f64.convert_i32_u (local.get $b)) (f64.convert_i32_s (local.get $s8)))
          (f64.add (f64.convert_i32_s (local.get $s16)) (f64.convert_i32_s (local.get $s32))))
        (f64.add
          (f64.add (f64.convert_i64_s (local.get $s64)) (f64.convert_i32_u (local.get $u8)))
          (f64.add (f64.convert_i32_u (local.get $u16)) (f64.convert_i32_u (local.get $u32)))))
      (f64.add
        (f64.add (f64.convert_i64_u (local.get $u64)) (f64.promote_f32 (local.get $f32)))
        (f64.add (local.get $f64) (f64.convert_i32_u (local.get $c))))))

  ;; A [ptr, len] record for a new string, returned as the retptr.
  (func $record (param $ptr i32) (param $len i32) (result i32)
    (local $ret i32)
    (local.set $ret (call $cabi_realloc (i32.const 0) (i32.const 0) (i32.const 4) (i32.const 8)))
    (i32.store (local.get $ret) (local.get $ptr))
    (i32.store offset=4 (local.get $ret) (local.get $len))
    (local.get $ret))

  ;; greet(name: string) -> string: "Hello, <name>!"
  (func (export "greet") (param $name i32) (param $len i32) (result i32)
    (local $out i32) (local $total i32)
    (local.set $total (i32.add (local.get $len) (i32.const 8)))
    (local.set $out (call $cabi_realloc (i32.const 0) (i32.const 0) (i32.const 1) (local.get $total)))
    (memory.copy (local.get $out) (i32.const 16) (i32.const 7))
    (memory.copy (i32.add (local.get $out) (i32.const 7)) (local.get $name) (local.get $len))
    (i32.store8 (i32.add (i32.add (local.get $out) (i32.const 7)) (local.get $len)) (i32.const 33))
    (call $record (local.get $out) (local.get $total)))

  ;; concat(a: string, n: u32, b: string) -> string: a, then b, n ignored.
  (func (export "concat") (param $a i32) (param $alen i32) (param $n i32)
                          (param $b i32) (param $blen i32) (result i32)
    (local $out i32)
    (local.set $out (call $cabi_realloc (i32.const 0) (i32.const 0) (i32.const 1)
                          (i32.add (local.get $alen) (local.get $blen))))
    (memory.copy (local.get $out) (local.get $a) (local.get $alen))
    (memory.copy (i32.add (local.get $out) (local.get $alen)) (local.get $b) (local.get $blen))
    (call $record (local.get $out) (i32.add (local.get $alen) (local.get $blen))))

  ;; length(s: string) -> u32: the byte length the host passed.
  (func (export "length") (param i32 i32) (result i32) (local.get 1)))
