import { createRequire as __idfCreateRequire } from 'node:module';
const require = __idfCreateRequire(import.meta.url);
if (Number(process.versions.node.split('.')[0]) < 22) { console.error(`instar-diff-fuzz needs Node 22 or newer (this is ${process.version}); in this repository 'npx node dist/cli.js ...' uses the Node 24 that npm ci installed`); process.exit(2) }
import {
  ACTION_LABEL,
  callRecord,
  describeEnd,
  describeValues,
  dimensionsAcross,
  fingerprint,
  inlineCode,
  issueCounts,
  keptOccurrence,
  prose,
  shellCommand,
  shellQuote
} from "./chunk-IWCMQYRO.js";
import {
  isEnterpriseServer,
  serviceProblem,
  twirpProbe
} from "./chunk-DRYTAQWC.js";
import {
  __commonJS,
  __require,
  __toESM
} from "./chunk-UVFMWYEG.js";

// node_modules/seedrandom/lib/alea.js
var require_alea = __commonJS({
  "node_modules/seedrandom/lib/alea.js"(exports, module) {
    (function(global, module2, define2) {
      function Alea(seed) {
        var me = this, mash = Mash();
        me.next = function() {
          var t = 2091639 * me.s0 + me.c * 23283064365386963e-26;
          me.s0 = me.s1;
          me.s1 = me.s2;
          return me.s2 = t - (me.c = t | 0);
        };
        me.c = 1;
        me.s0 = mash(" ");
        me.s1 = mash(" ");
        me.s2 = mash(" ");
        me.s0 -= mash(seed);
        if (me.s0 < 0) {
          me.s0 += 1;
        }
        me.s1 -= mash(seed);
        if (me.s1 < 0) {
          me.s1 += 1;
        }
        me.s2 -= mash(seed);
        if (me.s2 < 0) {
          me.s2 += 1;
        }
        mash = null;
      }
      function copy(f, t) {
        t.c = f.c;
        t.s0 = f.s0;
        t.s1 = f.s1;
        t.s2 = f.s2;
        return t;
      }
      function impl(seed, opts) {
        var xg = new Alea(seed), state = opts && opts.state, prng = xg.next;
        prng.int32 = function() {
          return xg.next() * 4294967296 | 0;
        };
        prng.double = function() {
          return prng() + (prng() * 2097152 | 0) * 11102230246251565e-32;
        };
        prng.quick = prng;
        if (state) {
          if (typeof state == "object") copy(state, xg);
          prng.state = function() {
            return copy(xg, {});
          };
        }
        return prng;
      }
      function Mash() {
        var n = 4022871197;
        var mash = function(data) {
          data = String(data);
          for (var i = 0; i < data.length; i++) {
            n += data.charCodeAt(i);
            var h = 0.02519603282416938 * n;
            n = h >>> 0;
            h -= n;
            h *= n;
            n = h >>> 0;
            h -= n;
            n += h * 4294967296;
          }
          return (n >>> 0) * 23283064365386963e-26;
        };
        return mash;
      }
      if (module2 && module2.exports) {
        module2.exports = impl;
      } else if (define2 && define2.amd) {
        define2(function() {
          return impl;
        });
      } else {
        this.alea = impl;
      }
    })(
      exports,
      typeof module == "object" && module,
      // present in node.js
      typeof define == "function" && define
      // present with an AMD loader
    );
  }
});

// node_modules/seedrandom/lib/xor128.js
var require_xor128 = __commonJS({
  "node_modules/seedrandom/lib/xor128.js"(exports, module) {
    (function(global, module2, define2) {
      function XorGen(seed) {
        var me = this, strseed = "";
        me.x = 0;
        me.y = 0;
        me.z = 0;
        me.w = 0;
        me.next = function() {
          var t = me.x ^ me.x << 11;
          me.x = me.y;
          me.y = me.z;
          me.z = me.w;
          return me.w ^= me.w >>> 19 ^ t ^ t >>> 8;
        };
        if (seed === (seed | 0)) {
          me.x = seed;
        } else {
          strseed += seed;
        }
        for (var k = 0; k < strseed.length + 64; k++) {
          me.x ^= strseed.charCodeAt(k) | 0;
          me.next();
        }
      }
      function copy(f, t) {
        t.x = f.x;
        t.y = f.y;
        t.z = f.z;
        t.w = f.w;
        return t;
      }
      function impl(seed, opts) {
        var xg = new XorGen(seed), state = opts && opts.state, prng = function() {
          return (xg.next() >>> 0) / 4294967296;
        };
        prng.double = function() {
          do {
            var top = xg.next() >>> 11, bot = (xg.next() >>> 0) / 4294967296, result = (top + bot) / (1 << 21);
          } while (result === 0);
          return result;
        };
        prng.int32 = xg.next;
        prng.quick = prng;
        if (state) {
          if (typeof state == "object") copy(state, xg);
          prng.state = function() {
            return copy(xg, {});
          };
        }
        return prng;
      }
      if (module2 && module2.exports) {
        module2.exports = impl;
      } else if (define2 && define2.amd) {
        define2(function() {
          return impl;
        });
      } else {
        this.xor128 = impl;
      }
    })(
      exports,
      typeof module == "object" && module,
      // present in node.js
      typeof define == "function" && define
      // present with an AMD loader
    );
  }
});

// node_modules/seedrandom/lib/xorwow.js
var require_xorwow = __commonJS({
  "node_modules/seedrandom/lib/xorwow.js"(exports, module) {
    (function(global, module2, define2) {
      function XorGen(seed) {
        var me = this, strseed = "";
        me.next = function() {
          var t = me.x ^ me.x >>> 2;
          me.x = me.y;
          me.y = me.z;
          me.z = me.w;
          me.w = me.v;
          return (me.d = me.d + 362437 | 0) + (me.v = me.v ^ me.v << 4 ^ (t ^ t << 1)) | 0;
        };
        me.x = 0;
        me.y = 0;
        me.z = 0;
        me.w = 0;
        me.v = 0;
        if (seed === (seed | 0)) {
          me.x = seed;
        } else {
          strseed += seed;
        }
        for (var k = 0; k < strseed.length + 64; k++) {
          me.x ^= strseed.charCodeAt(k) | 0;
          if (k == strseed.length) {
            me.d = me.x << 10 ^ me.x >>> 4;
          }
          me.next();
        }
      }
      function copy(f, t) {
        t.x = f.x;
        t.y = f.y;
        t.z = f.z;
        t.w = f.w;
        t.v = f.v;
        t.d = f.d;
        return t;
      }
      function impl(seed, opts) {
        var xg = new XorGen(seed), state = opts && opts.state, prng = function() {
          return (xg.next() >>> 0) / 4294967296;
        };
        prng.double = function() {
          do {
            var top = xg.next() >>> 11, bot = (xg.next() >>> 0) / 4294967296, result = (top + bot) / (1 << 21);
          } while (result === 0);
          return result;
        };
        prng.int32 = xg.next;
        prng.quick = prng;
        if (state) {
          if (typeof state == "object") copy(state, xg);
          prng.state = function() {
            return copy(xg, {});
          };
        }
        return prng;
      }
      if (module2 && module2.exports) {
        module2.exports = impl;
      } else if (define2 && define2.amd) {
        define2(function() {
          return impl;
        });
      } else {
        this.xorwow = impl;
      }
    })(
      exports,
      typeof module == "object" && module,
      // present in node.js
      typeof define == "function" && define
      // present with an AMD loader
    );
  }
});

// node_modules/seedrandom/lib/xorshift7.js
var require_xorshift7 = __commonJS({
  "node_modules/seedrandom/lib/xorshift7.js"(exports, module) {
    (function(global, module2, define2) {
      function XorGen(seed) {
        var me = this;
        me.next = function() {
          var X = me.x, i = me.i, t, v, w;
          t = X[i];
          t ^= t >>> 7;
          v = t ^ t << 24;
          t = X[i + 1 & 7];
          v ^= t ^ t >>> 10;
          t = X[i + 3 & 7];
          v ^= t ^ t >>> 3;
          t = X[i + 4 & 7];
          v ^= t ^ t << 7;
          t = X[i + 7 & 7];
          t = t ^ t << 13;
          v ^= t ^ t << 9;
          X[i] = v;
          me.i = i + 1 & 7;
          return v;
        };
        function init(me2, seed2) {
          var j, w, X = [];
          if (seed2 === (seed2 | 0)) {
            w = X[0] = seed2;
          } else {
            seed2 = "" + seed2;
            for (j = 0; j < seed2.length; ++j) {
              X[j & 7] = X[j & 7] << 15 ^ seed2.charCodeAt(j) + X[j + 1 & 7] << 13;
            }
          }
          while (X.length < 8) X.push(0);
          for (j = 0; j < 8 && X[j] === 0; ++j) ;
          if (j == 8) w = X[7] = -1;
          else w = X[j];
          me2.x = X;
          me2.i = 0;
          for (j = 256; j > 0; --j) {
            me2.next();
          }
        }
        init(me, seed);
      }
      function copy(f, t) {
        t.x = f.x.slice();
        t.i = f.i;
        return t;
      }
      function impl(seed, opts) {
        if (seed == null) seed = +/* @__PURE__ */ new Date();
        var xg = new XorGen(seed), state = opts && opts.state, prng = function() {
          return (xg.next() >>> 0) / 4294967296;
        };
        prng.double = function() {
          do {
            var top = xg.next() >>> 11, bot = (xg.next() >>> 0) / 4294967296, result = (top + bot) / (1 << 21);
          } while (result === 0);
          return result;
        };
        prng.int32 = xg.next;
        prng.quick = prng;
        if (state) {
          if (state.x) copy(state, xg);
          prng.state = function() {
            return copy(xg, {});
          };
        }
        return prng;
      }
      if (module2 && module2.exports) {
        module2.exports = impl;
      } else if (define2 && define2.amd) {
        define2(function() {
          return impl;
        });
      } else {
        this.xorshift7 = impl;
      }
    })(
      exports,
      typeof module == "object" && module,
      // present in node.js
      typeof define == "function" && define
      // present with an AMD loader
    );
  }
});

// node_modules/seedrandom/lib/xor4096.js
var require_xor4096 = __commonJS({
  "node_modules/seedrandom/lib/xor4096.js"(exports, module) {
    (function(global, module2, define2) {
      function XorGen(seed) {
        var me = this;
        me.next = function() {
          var w = me.w, X = me.X, i = me.i, t, v;
          me.w = w = w + 1640531527 | 0;
          v = X[i + 34 & 127];
          t = X[i = i + 1 & 127];
          v ^= v << 13;
          t ^= t << 17;
          v ^= v >>> 15;
          t ^= t >>> 12;
          v = X[i] = v ^ t;
          me.i = i;
          return v + (w ^ w >>> 16) | 0;
        };
        function init(me2, seed2) {
          var t, v, i, j, w, X = [], limit = 128;
          if (seed2 === (seed2 | 0)) {
            v = seed2;
            seed2 = null;
          } else {
            seed2 = seed2 + "\0";
            v = 0;
            limit = Math.max(limit, seed2.length);
          }
          for (i = 0, j = -32; j < limit; ++j) {
            if (seed2) v ^= seed2.charCodeAt((j + 32) % seed2.length);
            if (j === 0) w = v;
            v ^= v << 10;
            v ^= v >>> 15;
            v ^= v << 4;
            v ^= v >>> 13;
            if (j >= 0) {
              w = w + 1640531527 | 0;
              t = X[j & 127] ^= v + w;
              i = 0 == t ? i + 1 : 0;
            }
          }
          if (i >= 128) {
            X[(seed2 && seed2.length || 0) & 127] = -1;
          }
          i = 127;
          for (j = 4 * 128; j > 0; --j) {
            v = X[i + 34 & 127];
            t = X[i = i + 1 & 127];
            v ^= v << 13;
            t ^= t << 17;
            v ^= v >>> 15;
            t ^= t >>> 12;
            X[i] = v ^ t;
          }
          me2.w = w;
          me2.X = X;
          me2.i = i;
        }
        init(me, seed);
      }
      function copy(f, t) {
        t.i = f.i;
        t.w = f.w;
        t.X = f.X.slice();
        return t;
      }
      ;
      function impl(seed, opts) {
        if (seed == null) seed = +/* @__PURE__ */ new Date();
        var xg = new XorGen(seed), state = opts && opts.state, prng = function() {
          return (xg.next() >>> 0) / 4294967296;
        };
        prng.double = function() {
          do {
            var top = xg.next() >>> 11, bot = (xg.next() >>> 0) / 4294967296, result = (top + bot) / (1 << 21);
          } while (result === 0);
          return result;
        };
        prng.int32 = xg.next;
        prng.quick = prng;
        if (state) {
          if (state.X) copy(state, xg);
          prng.state = function() {
            return copy(xg, {});
          };
        }
        return prng;
      }
      if (module2 && module2.exports) {
        module2.exports = impl;
      } else if (define2 && define2.amd) {
        define2(function() {
          return impl;
        });
      } else {
        this.xor4096 = impl;
      }
    })(
      exports,
      // window object or global
      typeof module == "object" && module,
      // present in node.js
      typeof define == "function" && define
      // present with an AMD loader
    );
  }
});

// node_modules/seedrandom/lib/tychei.js
var require_tychei = __commonJS({
  "node_modules/seedrandom/lib/tychei.js"(exports, module) {
    (function(global, module2, define2) {
      function XorGen(seed) {
        var me = this, strseed = "";
        me.next = function() {
          var b = me.b, c = me.c, d = me.d, a = me.a;
          b = b << 25 ^ b >>> 7 ^ c;
          c = c - d | 0;
          d = d << 24 ^ d >>> 8 ^ a;
          a = a - b | 0;
          me.b = b = b << 20 ^ b >>> 12 ^ c;
          me.c = c = c - d | 0;
          me.d = d << 16 ^ c >>> 16 ^ a;
          return me.a = a - b | 0;
        };
        me.a = 0;
        me.b = 0;
        me.c = 2654435769 | 0;
        me.d = 1367130551;
        if (seed === Math.floor(seed)) {
          me.a = seed / 4294967296 | 0;
          me.b = seed | 0;
        } else {
          strseed += seed;
        }
        for (var k = 0; k < strseed.length + 20; k++) {
          me.b ^= strseed.charCodeAt(k) | 0;
          me.next();
        }
      }
      function copy(f, t) {
        t.a = f.a;
        t.b = f.b;
        t.c = f.c;
        t.d = f.d;
        return t;
      }
      ;
      function impl(seed, opts) {
        var xg = new XorGen(seed), state = opts && opts.state, prng = function() {
          return (xg.next() >>> 0) / 4294967296;
        };
        prng.double = function() {
          do {
            var top = xg.next() >>> 11, bot = (xg.next() >>> 0) / 4294967296, result = (top + bot) / (1 << 21);
          } while (result === 0);
          return result;
        };
        prng.int32 = xg.next;
        prng.quick = prng;
        if (state) {
          if (typeof state == "object") copy(state, xg);
          prng.state = function() {
            return copy(xg, {});
          };
        }
        return prng;
      }
      if (module2 && module2.exports) {
        module2.exports = impl;
      } else if (define2 && define2.amd) {
        define2(function() {
          return impl;
        });
      } else {
        this.tychei = impl;
      }
    })(
      exports,
      typeof module == "object" && module,
      // present in node.js
      typeof define == "function" && define
      // present with an AMD loader
    );
  }
});

// node_modules/seedrandom/seedrandom.js
var require_seedrandom = __commonJS({
  "node_modules/seedrandom/seedrandom.js"(exports, module) {
    (function(global, pool, math) {
      var width = 256, chunks = 6, digits = 52, rngname = "random", startdenom = math.pow(width, chunks), significance = math.pow(2, digits), overflow = significance * 2, mask = width - 1, nodecrypto;
      function seedrandom2(seed, options, callback) {
        var key = [];
        options = options == true ? { entropy: true } : options || {};
        var shortseed = mixkey(flatten(
          options.entropy ? [seed, tostring(pool)] : seed == null ? autoseed() : seed,
          3
        ), key);
        var arc4 = new ARC4(key);
        var prng = function() {
          var n = arc4.g(chunks), d = startdenom, x = 0;
          while (n < significance) {
            n = (n + x) * width;
            d *= width;
            x = arc4.g(1);
          }
          while (n >= overflow) {
            n /= 2;
            d /= 2;
            x >>>= 1;
          }
          return (n + x) / d;
        };
        prng.int32 = function() {
          return arc4.g(4) | 0;
        };
        prng.quick = function() {
          return arc4.g(4) / 4294967296;
        };
        prng.double = prng;
        mixkey(tostring(arc4.S), pool);
        return (options.pass || callback || function(prng2, seed2, is_math_call, state) {
          if (state) {
            if (state.S) {
              copy(state, arc4);
            }
            prng2.state = function() {
              return copy(arc4, {});
            };
          }
          if (is_math_call) {
            math[rngname] = prng2;
            return seed2;
          } else return prng2;
        })(
          prng,
          shortseed,
          "global" in options ? options.global : this == math,
          options.state
        );
      }
      function ARC4(key) {
        var t, keylen = key.length, me = this, i = 0, j = me.i = me.j = 0, s = me.S = [];
        if (!keylen) {
          key = [keylen++];
        }
        while (i < width) {
          s[i] = i++;
        }
        for (i = 0; i < width; i++) {
          s[i] = s[j = mask & j + key[i % keylen] + (t = s[i])];
          s[j] = t;
        }
        (me.g = function(count2) {
          var t2, r = 0, i2 = me.i, j2 = me.j, s2 = me.S;
          while (count2--) {
            t2 = s2[i2 = mask & i2 + 1];
            r = r * width + s2[mask & (s2[i2] = s2[j2 = mask & j2 + t2]) + (s2[j2] = t2)];
          }
          me.i = i2;
          me.j = j2;
          return r;
        })(width);
      }
      function copy(f, t) {
        t.i = f.i;
        t.j = f.j;
        t.S = f.S.slice();
        return t;
      }
      ;
      function flatten(obj, depth) {
        var result = [], typ = typeof obj, prop;
        if (depth && typ == "object") {
          for (prop in obj) {
            try {
              result.push(flatten(obj[prop], depth - 1));
            } catch (e) {
            }
          }
        }
        return result.length ? result : typ == "string" ? obj : obj + "\0";
      }
      function mixkey(seed, key) {
        var stringseed = seed + "", smear, j = 0;
        while (j < stringseed.length) {
          key[mask & j] = mask & (smear ^= key[mask & j] * 19) + stringseed.charCodeAt(j++);
        }
        return tostring(key);
      }
      function autoseed() {
        try {
          var out;
          if (nodecrypto && (out = nodecrypto.randomBytes)) {
            out = out(width);
          } else {
            out = new Uint8Array(width);
            (global.crypto || global.msCrypto).getRandomValues(out);
          }
          return tostring(out);
        } catch (e) {
          var browser = global.navigator, plugins = browser && browser.plugins;
          return [+/* @__PURE__ */ new Date(), global, plugins, global.screen, tostring(pool)];
        }
      }
      function tostring(a) {
        return String.fromCharCode.apply(0, a);
      }
      mixkey(math.random(), pool);
      if (typeof module == "object" && module.exports) {
        module.exports = seedrandom2;
        try {
          nodecrypto = __require("crypto");
        } catch (ex) {
        }
      } else if (typeof define == "function" && define.amd) {
        define(function() {
          return seedrandom2;
        });
      } else {
        math["seed" + rngname] = seedrandom2;
      }
    })(
      // global: `self` in browsers (including strict mode and web workers),
      // otherwise `this` in Node and other environments
      typeof self !== "undefined" ? self : exports,
      [],
      // pool: entropy pool starts empty
      Math
      // math: package containing random, pow, and seedrandom
    );
  }
});

// node_modules/seedrandom/index.js
var require_seedrandom2 = __commonJS({
  "node_modules/seedrandom/index.js"(exports, module) {
    var alea = require_alea();
    var xor128 = require_xor128();
    var xorwow = require_xorwow();
    var xorshift7 = require_xorshift7();
    var xor4096 = require_xor4096();
    var tychei = require_tychei();
    var sr = require_seedrandom();
    sr.alea = alea;
    sr.xor128 = xor128;
    sr.xorwow = xorwow;
    sr.xorshift7 = xorshift7;
    sr.xor4096 = xor4096;
    sr.tychei = tychei;
    module.exports = sr;
  }
});

// src/util/json.ts
function isObject(v) {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
function parseJson(text) {
  try {
    return JSON.parse(text);
  } catch {
    return void 0;
  }
}
function jsonObject(text) {
  const v = parseJson(text);
  return isObject(v) ? v : void 0;
}

// src/findings/types.ts
var divergence = (meaning2) => ({ kind: "divergence", confirmation: "alone", meaning: meaning2 });
var inconclusive = (meaning2) => ({ kind: "inconclusive", confirmation: "none", meaning: meaning2 });
var FINDING_TYPES = {
  instar_crash: divergence(
    "instar was killed by a signal or panicked (exit 101), whatever qemu-img did."
  ),
  instar_timeout: {
    kind: "divergence",
    confirmation: "quiet",
    meaning: "instar ran past the per-call timeout where qemu-img finished."
  },
  exit_code_divergence: divergence("One tool succeeded where the other failed."),
  instar_modified_input: divergence("instar changed an image it was only asked to read."),
  info_output_divergence: divergence(
    "`info --output json` differs from qemu-img's after normalisation."
  ),
  info_json_parse_failure: divergence(
    "`instar info --output json` succeeded without printing JSON."
  ),
  libyal_info_divergence: divergence(
    "The libyal reader reads a size, cluster size or version that instar's info contradicts."
  ),
  libyal_check_divergence: divergence(
    "instar check rejects an image the libyal reader opens without complaint."
  ),
  convert_content_divergence: divergence(
    "instar's convert output holds other guest data (or another size) than qemu-img's."
  ),
  convert_missing_output: divergence("instar convert reported success but wrote no output file."),
  convert_unreadable_output: divergence(
    "qemu-img cannot open or read through the image instar convert wrote."
  ),
  dd_content_divergence: divergence(
    "instar's dd output holds other guest data (or another size) than qemu-img's."
  ),
  dd_missing_output: divergence("instar dd reported success but wrote no output file."),
  dd_unreadable_output: divergence(
    "qemu-img cannot open or read through the image instar dd wrote."
  ),
  measure_json_parse_failure: divergence("instar measure did not print the JSON numbers it must."),
  measure_numeric_divergence: divergence(
    "instar measure's required or fully-allocated differs from qemu-img's."
  ),
  measure_bitmaps_presence_divergence: divergence(
    'instar measure prints "bitmaps" where qemu-img omits it, or the reverse.'
  ),
  measure_above_fully_allocated_bound: divergence(
    "instar's own convert writes more than the fully-allocated size its measure promised."
  ),
  measure_missing_output: divergence(
    "instar convert (measure's self-check) reported success but wrote no file."
  ),
  create_info_readback_failure: divergence(
    "qemu-img cannot read back the image instar create wrote."
  ),
  create_info_divergence: divergence(
    "qemu-img info of instar's new image differs from qemu-img's own."
  ),
  resize_info_readback_failure: divergence("qemu-img cannot read back the image instar resized."),
  resize_info_divergence: divergence(
    "qemu-img info of instar's resized image differs from qemu-img's."
  ),
  amend_info_readback_failure: divergence("qemu-img cannot read back the image instar amended."),
  amend_info_divergence: divergence(
    "qemu-img info of instar's amended image differs from qemu-img's."
  ),
  amend_check_divergence: divergence("qemu-img check finds the image instar amended unclean."),
  rebase_info_readback_failure: divergence("qemu-img cannot read back the overlay instar rebased."),
  rebase_info_divergence: divergence(
    "qemu-img info of instar's rebased overlay differs from qemu-img's."
  ),
  rebase_content_divergence: divergence(
    "The rebased overlay reads other guest data through its new chain than qemu-img's."
  ),
  rebase_unreadable_output: divergence(
    "qemu-img cannot read through the overlay instar rebased to compare its data."
  ),
  commit_overlay_info_readback_failure: divergence(
    "qemu-img cannot read back the overlay instar committed."
  ),
  commit_overlay_info_divergence: divergence(
    "qemu-img info of the overlay after instar's commit differs from qemu-img's."
  ),
  commit_overlay_allocation_divergence: divergence(
    "The overlay after instar's commit allocates other clusters than after qemu-img's."
  ),
  commit_overlay_map_readback_failure: divergence(
    "qemu-img cannot map the overlay instar committed."
  ),
  commit_backing_info_readback_failure: divergence(
    "qemu-img cannot read back the backing file instar committed into."
  ),
  commit_backing_info_divergence: divergence(
    "qemu-img info of the backing file after instar's commit differs from qemu-img's."
  ),
  commit_backing_content_divergence: divergence(
    "The backing file holds other guest data after instar's commit than after qemu-img's."
  ),
  commit_backing_unreadable_output: divergence(
    "qemu-img cannot read through the backing file instar committed into."
  ),
  map_json_parse_failure: divergence("`instar map --output json` succeeded without printing JSON."),
  map_json_shape_divergence: divergence("instar map printed JSON that is not an array of extents."),
  map_extent_count_divergence: divergence(
    "instar map reports another number of extents than qemu-img."
  ),
  map_field_divergence: divergence(
    "An extent's start, length, present, zero or data differs from qemu-img's."
  ),
  snapshot_write_failed: divergence(
    "qemu-io cannot write to the image instar left after a snapshot operation."
  ),
  snapshot_normalize_failed: divergence("The snapshot table instar wrote cannot be walked."),
  snapshot_byte_divergence: divergence(
    "After a snapshot operation the two images differ byte for byte (dates and padding aside)."
  ),
  snapshot_list_divergence: divergence(
    "`instar snapshot -l` prints another listing than qemu-img (qemu-img 9.0 or newer)."
  ),
  repair_safety_divergence: divergence(
    "instar's repair left the image worse than it found it, or unreadable."
  ),
  repair_completeness_divergence: divergence(
    "instar says its repair at tier all is complete, yet qemu-img check still finds damage."
  ),
  repair_data_divergence: divergence("Both repairs left clean images holding other guest data."),
  repair_json_parse_failure: divergence(
    'instar check --repair --output json gave no boolean "repair-incomplete".'
  ),
  repair_unreadable_output: divergence(
    "qemu-img cannot read through the image instar repaired to compare its data."
  ),
  inconclusive_flaky: inconclusive(
    "A divergence that did not reproduce when its case was re-run alone."
  ),
  inconclusive_external_timeout: inconclusive(
    "qemu-img (or a libyal tool) ran past the timeout: the reference gave no answer."
  ),
  inconclusive_fixture_failed: inconclusive(
    "qemu-img or qemu-io could not build the case's images."
  ),
  harness_error: inconclusive(
    "The harness itself failed (a bug here, not in instar); the stack is in the report."
  ),
  inconclusive_libyal_outlier: inconclusive(
    "The libyal reader disagrees with both instar and qemu-img."
  ),
  inconclusive_reference_check: inconclusive(
    "qemu-img check gave no usable answer on a result, or fails on both."
  ),
  inconclusive_reference_output: inconclusive("qemu-img printed no usable JSON for its own side."),
  inconclusive_reference_output_missing: inconclusive(
    "qemu-img reported success but wrote no output file."
  ),
  inconclusive_reference_readback: inconclusive("qemu-img could not read back its own result."),
  inconclusive_reference_snapshot_table: inconclusive(
    "qemu-img's own snapshot table cannot be walked."
  ),
  inconclusive_repair_no_baseline: inconclusive(
    "qemu-img check gave no counters for the corrupted image."
  ),
  inconclusive_repair_conservative: inconclusive(
    "instar declined to finish a repair that qemu-img completes (allowed, counted)."
  ),
  inconclusive_compare_failed: inconclusive(
    "qemu-img compare could not run though both images open."
  ),
  inconclusive_no_space: inconclusive(
    "A tool ran out of disk space: the case was not decided (the campaign stops starting iterations)."
  )
};
function isFindingType(type) {
  return Object.hasOwn(FINDING_TYPES, type);
}

// src/findings/coverage.ts
var MAX_CELLS = 2e4;
function emptyCoverage() {
  return { version: 1, campaigns: 0, operations: {} };
}
function cellsOf(entries) {
  const sorted = [...entries].sort(([a], [b]) => a < b ? -1 : a > b ? 1 : 0);
  const values = sorted.map(([k, v]) => `${k}=${v}`);
  const pairs = [];
  for (let i = 0; i < values.length; i++)
    for (let j = i + 1; j < values.length; j++) pairs.push(`${values[i]} ${values[j]}`);
  return { values, pairs };
}
function valuesOfPair(pair) {
  const space = pair.indexOf(" ");
  return [pair.slice(0, space), pair.slice(space + 1)];
}
function splitValue(cell2) {
  const eq = cell2.indexOf("=");
  return [cell2.slice(0, eq), cell2.slice(eq + 1)];
}
function operationOf(map3, operation2) {
  map3.operations[operation2] ??= { runs: 0, values: {}, pairs: {} };
  return map3.operations[operation2];
}
function bump(cells, name, runs, divergences, last) {
  const c = cells[name] ??= { runs: 0, divergences: 0, last: "" };
  c.runs += runs;
  c.divergences += divergences;
  if (last > c.last) c.last = last;
}
function countRun(map3, operation2, cells, when) {
  const op = operationOf(map3, operation2);
  op.runs++;
  for (const v of cells.values) bump(op.values, v, 1, 0, when);
  for (const p of cells.pairs) bump(op.pairs, p, 1, 0, when);
}
function countDivergence(map3, operation2, cells) {
  const op = operationOf(map3, operation2);
  for (const v of cells.values) bump(op.values, v, 0, 1, "");
  for (const p of cells.pairs) bump(op.pairs, p, 0, 1, "");
}
function mergeCoverage(a, b) {
  const out = emptyCoverage();
  out.campaigns = a.campaigns + b.campaigns;
  for (const map3 of [a, b]) {
    for (const [name, op] of Object.entries(map3.operations)) {
      const into = operationOf(out, name);
      into.runs += op.runs;
      for (const [cell2, s] of Object.entries(op.values))
        bump(into.values, cell2, s.runs, s.divergences, s.last);
      for (const [cell2, s] of Object.entries(op.pairs))
        bump(into.pairs, cell2, s.runs, s.divergences, s.last);
    }
  }
  return out;
}
function pruneCoverage(map3, domain) {
  const out = emptyCoverage();
  out.campaigns = map3.campaigns;
  for (const [name, op] of Object.entries(map3.operations)) {
    if (!domain.operations.includes(name)) continue;
    const kept = (cell2) => domain.value(name, ...splitValue(cell2));
    out.operations[name] = {
      runs: op.runs,
      values: Object.fromEntries(Object.entries(op.values).filter(([c]) => kept(c))),
      pairs: Object.fromEntries(
        Object.entries(op.pairs).filter(([p]) => valuesOfPair(p).every(kept))
      )
    };
  }
  return out;
}
var count = (v) => Number.isSafeInteger(v) && v >= 0;
var VALUE_CELL = /^[^\s=]+=\S*$/;
var PAIR_CELL = /^[^\s=]+=\S* [^\s=]+=\S*$/;
function readCells(value, pairs) {
  const out = {};
  if (typeof value !== "object" || value === null) return out;
  const shape = pairs ? PAIR_CELL : VALUE_CELL;
  let n = 0;
  for (const [name, s] of Object.entries(value)) {
    if (n >= MAX_CELLS) break;
    const c = s;
    if (!shape.test(name) || !c || !count(c.runs) || !count(c.divergences)) continue;
    out[name] = { runs: c.runs, divergences: c.divergences, last: String(c.last ?? "") };
    n++;
  }
  return out;
}
function parseCoverage(value) {
  const doc = value;
  if (typeof doc !== "object" || doc === null) return "not a JSON object";
  if (doc.version !== 1) return `version ${JSON.stringify(doc.version)} is not 1`;
  if (typeof doc.operations !== "object" || doc.operations === null) return "no operations";
  const map3 = emptyCoverage();
  map3.campaigns = count(doc.campaigns) ? doc.campaigns : 0;
  for (const [name, op] of Object.entries(doc.operations)) {
    if (typeof op !== "object" || op === null) continue;
    map3.operations[name] = {
      runs: count(op.runs) ? op.runs : 0,
      values: readCells(op.values, false),
      pairs: readCells(op.pairs, true)
    };
  }
  return map3;
}
function parseWeights(value) {
  if (typeof value !== "object" || value === null) return "not a JSON object";
  const doc = value;
  if (typeof doc.steering === "object" && doc.steering !== null && "weights_by_shard" in doc.steering)
    return "the night's shards drew with different weights (steering.weights_by_shard): take a finding's own report";
  const table = "steering" in doc ? doc.steering?.weights ?? null : value;
  if (table === null) return null;
  if (typeof table !== "object") return "the weights are not an object";
  for (const [drawer, keys] of Object.entries(table))
    for (const [key, values] of Object.entries(keys ?? {}))
      for (const [v, w] of Object.entries(values ?? {}))
        if (typeof w !== "number" || !(w > 0) || !Number.isFinite(w))
          return `the weight of ${drawer} ${key}=${v} is ${JSON.stringify(w)}, not a positive number`;
  return table;
}

// src/util/duration.ts
function formatDuration(seconds) {
  if (!Number.isFinite(seconds)) return "\u221E";
  const s = Math.max(0, Math.round(seconds));
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s` : `${s}s`;
}

// src/util/disk.ts
import { statfs } from "node:fs/promises";
async function freeBytes(dir) {
  try {
    const s = await statfs(dir);
    return s.bavail * s.bsize;
  } catch {
    return Infinity;
  }
}
function isNoSpace(error) {
  const code2 = error?.code;
  return code2 === "ENOSPC" || code2 === "EDQUOT";
}

// src/util/resources.ts
import { readFileSync } from "node:fs";
function cpuSample() {
  const own = process.cpuUsage();
  let tools;
  try {
    const stat5 = readFileSync("/proc/self/stat", "utf8");
    const fields = stat5.slice(stat5.lastIndexOf(")") + 2).split(" ");
    tools = (Number(fields[13]) + Number(fields[14])) / 100;
  } catch {
    tools = 0;
  }
  return { harness: (own.user + own.system) / 1e6, tools };
}
function resourceFigures(harness, tools, peakRssMb) {
  return {
    harnessCpuSeconds: Math.round(harness * 100) / 100,
    toolsCpuSeconds: Math.round(tools * 100) / 100,
    harnessShare: harness + tools > 0 ? Math.round(harness / (harness + tools) * 1e3) / 1e3 : 0,
    peakRssMb
  };
}
function resourceUse(start, end = cpuSample()) {
  return resourceFigures(
    end.harness - start.harness,
    end.tools - start.tools,
    Math.round(process.resourceUsage().maxRSS / 1024)
  );
}

// src/util/work-folder.ts
import { mkdir, mkdtemp, rm, rmdir } from "node:fs/promises";
import path from "node:path";
async function workFolder(parent, prefix) {
  for (let attempt = 0; ; attempt++) {
    await mkdir(parent, { recursive: true });
    try {
      const dir = await mkdtemp(path.join(parent, prefix));
      return {
        dir,
        async remove() {
          await rm(dir, { recursive: true, force: true });
          await rmdir(parent).catch(() => void 0);
        }
      };
    } catch (error) {
      if (error.code !== "ENOENT" || attempt > 0) throw error;
    }
  }
}

// src/util/tool-runner.ts
import { spawn } from "node:child_process";

// src/util/escapees.ts
import { readdirSync, readFileSync as readFileSync2 } from "node:fs";
var CALL_MARK = "INSTAR_DIFF_FUZZ_CALL";
function commandOf(pid) {
  try {
    return readFileSync2(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean).join(" ");
  } catch {
    return "?";
  }
}
function carries(pid, mark) {
  try {
    return readFileSync2(`/proc/${pid}/environ`, "latin1").split("\0").includes(mark);
  } catch {
    return false;
  }
}
function markedProcesses(id) {
  const mark = `${CALL_MARK}=${id}`;
  let pids;
  try {
    pids = readdirSync("/proc").filter((n) => /^\d+$/.test(n) && Number(n) !== process.pid);
  } catch {
    return [];
  }
  return pids.filter((pid) => carries(pid, mark)).map((pid) => ({ pid: Number(pid), command: commandOf(pid) }));
}
function killEscapee(e) {
  try {
    const stat5 = readFileSync2(`/proc/${e.pid}/stat`, "utf8");
    const pgrp = Number(stat5.slice(stat5.lastIndexOf(")") + 2).split(" ")[2]);
    if (pgrp === e.pid) process.kill(-e.pid, "SIGKILL");
  } catch {
  }
  try {
    process.kill(e.pid, "SIGKILL");
  } catch {
  }
}

// src/util/tool-runner.ts
var Stopped = class extends Error {
};
var DeadlineReached = class extends Stopped {
  constructor() {
    super("the time box is spent: no new tool call starts");
    this.name = "DeadlineReached";
  }
};
var Cancelled = class extends Stopped {
  constructor() {
    super("cancelled");
    this.name = "Cancelled";
  }
};
function capped(cap) {
  const parts = [];
  let kept = 0;
  let total = 0;
  let dropped = false;
  return {
    push(chunk) {
      total += chunk.length;
      if (kept >= cap) {
        dropped = true;
        return;
      }
      const room = cap - kept;
      if (chunk.length > room) {
        parts.push(chunk.subarray(0, room));
        kept = cap;
        dropped = true;
      } else {
        parts.push(chunk);
        kept += chunk.length;
      }
    },
    text: () => Buffer.concat(parts).toString("utf8"),
    truncated: () => dropped,
    total: () => total
  };
}
function killGroup(pid) {
  if (pid === void 0) return;
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
  }
}
var running = /* @__PURE__ */ new Set();
process.on("exit", () => {
  for (const pid of running) killGroup(pid);
});
var calls = 0;
function groupAlive(pid) {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}
var DRAIN_MS = 100;
function ending(child, mark, timedOut) {
  const pid = child.pid;
  return new Promise((resolve) => {
    let check3;
    const finish = (end, escaped = []) => {
      clearTimeout(check3);
      resolve({ ending: end, escaped });
    };
    child.on("error", (error) => {
      if (pid === void 0) finish({ error });
    });
    child.on("close", (code2, signal) => finish({ code: code2, signal }));
    child.on("exit", (code2, signal) => {
      const watch = () => {
        check3 = setTimeout(() => {
          if (pid !== void 0 && !timedOut() && groupAlive(pid)) return watch();
          const escaped = markedProcesses(mark);
          for (const e of escaped) killEscapee(e);
          child.stdout?.destroy();
          child.stderr?.destroy();
          finish({ code: code2, signal }, escaped);
        }, DRAIN_MS);
      };
      watch();
    });
  });
}
async function runTool(file, args, options) {
  if (options.signal?.aborted) throw new Cancelled();
  const started = performance.now();
  const out = capped(options.outputCap);
  const err = capped(options.outputCap);
  const mark = `${process.pid}-${++calls}`;
  const child = spawn(file, args, {
    cwd: options.cwd,
    env: { ...options.env ?? process.env, [CALL_MARK]: mark },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true
  });
  const pid = child.pid;
  if (pid !== void 0) running.add(pid);
  child.stdout?.on("data", (chunk) => out.push(chunk));
  child.stderr?.on("data", (chunk) => err.push(chunk));
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    killGroup(pid);
  }, options.timeoutMs);
  const onAbort = () => killGroup(pid);
  options.signal?.addEventListener("abort", onAbort, { once: true });
  const { ending: end, escaped } = await ending(child, mark, () => timedOut);
  clearTimeout(timer);
  options.signal?.removeEventListener("abort", onAbort);
  if (pid !== void 0) running.delete(pid);
  if (timedOut) killGroup(pid);
  if (options.signal?.aborted && !timedOut) throw new Cancelled();
  const spawnFailed = "error" in end;
  const truncated = out.truncated() || err.truncated();
  return {
    argv: [file, ...args],
    cwd: options.cwd,
    exitCode: spawnFailed ? 127 : end.code,
    signal: spawnFailed ? null : end.signal,
    timedOut,
    stdout: out.text(),
    stderr: spawnFailed && err.text() === "" ? end.error.message : err.text(),
    truncated,
    ...truncated ? { printed: { stdout: out.total(), stderr: err.total(), kept: options.outputCap } } : {},
    ...escaped.length > 0 ? { escaped } : {},
    durationMs: Math.round(performance.now() - started)
  };
}
function succeeded(r) {
  return !r.timedOut && r.signal === null && r.exitCode === 0;
}

// src/findings/knobs.ts
function optionOf(key, value) {
  if (value === null || value === void 0 || value === false) return null;
  return value === true ? `${key}=on` : `${key}=${value}`;
}
function optionsOf(knobs, keys = Object.keys(knobs)) {
  return keys.flatMap((k) => optionOf(k, knobs[k]) ?? []);
}
function knobText(value) {
  if (value === true) return "on";
  if (value === false) return "off";
  if (value === null || value === void 0) return "none";
  return String(value);
}

// src/fuzz/operation.ts
var OPERATION_NAMES = [
  "info",
  "check",
  "convert",
  "convert_compressed",
  "measure",
  "create",
  "resize",
  "amend",
  "rebase",
  "commit",
  "map",
  "snapshot",
  "repair",
  "dd"
];

// src/fuzz/operations/amend.ts
import path2 from "node:path";

// src/util/first-line.ts
function firstLine(text) {
  return text.trim().split("\n")[0].trim();
}

// src/fuzz/exits.ts
var RUST_PANIC_EXIT = 101;
function both(instar, qemu, summary, details) {
  return { summary, instar: callRecord(instar), qemu: callRecord(qemu), details };
}
function outOfSpace(r) {
  return /No space left on device|Disk quota exceeded/i.test(r.stderr);
}
function endAndSaid(r) {
  const said2 = firstLine(r.stderr);
  if (!said2) return describeEnd(r);
  return `${describeEnd(r)}: ${said2.length > 160 ? `${said2.slice(0, 159)}\u2026` : said2}`;
}
function crashed(r) {
  return !r.timedOut && (r.signal !== null || r.exitCode === RUST_PANIC_EXIT);
}
function crash(instar, qemu, details) {
  const how = instar.signal ? `was killed by ${instar.signal}` : `panicked (exit ${RUST_PANIC_EXIT})`;
  const ref2 = qemu ? `; qemu-img ${describeEnd(qemu)}` : "";
  return {
    kind: "divergence",
    type: "instar_crash",
    evidence: {
      summary: `instar ${how}${ref2}.`,
      instar: callRecord(instar),
      qemu: qemu && callRecord(qemu),
      details
    }
  };
}
function compareExits(instar, qemu, details, exitParity = true) {
  if (crashed(instar)) return crash(instar, qemu, details);
  if (qemu.timedOut) {
    return {
      kind: "inconclusive",
      type: "inconclusive_external_timeout",
      evidence: both(
        instar,
        qemu,
        `qemu-img ${describeEnd(qemu)}; the reference gave no answer.`,
        details
      )
    };
  }
  if (instar.timedOut) {
    return {
      kind: "divergence",
      type: "instar_timeout",
      evidence: both(
        instar,
        qemu,
        `instar ${describeEnd(instar)} where qemu-img finished (${describeEnd(qemu)}).`,
        details
      )
    };
  }
  if (exitParity && succeeded(instar) !== succeeded(qemu)) {
    const full = [instar, qemu].find((r) => !succeeded(r) && outOfSpace(r));
    if (full)
      return {
        kind: "inconclusive",
        type: "inconclusive_no_space",
        evidence: both(
          instar,
          qemu,
          `${full === instar ? "instar" : "qemu-img"} ran out of disk space: nothing was decided.`,
          details
        )
      };
    const summary = succeeded(instar) ? `instar succeeded where qemu-img failed (${endAndSaid(qemu)}).` : `instar failed (${endAndSaid(instar)}) where qemu-img succeeded.`;
    return {
      kind: "divergence",
      type: "exit_code_divergence",
      evidence: both(instar, qemu, summary, details)
    };
  }
  return null;
}
function instarCrashOrHang(instar, details) {
  if (crashed(instar)) return crash(instar, void 0, details);
  if (instar.timedOut) {
    return {
      kind: "divergence",
      type: "instar_timeout",
      evidence: { summary: `instar ${describeEnd(instar)}.`, instar: callRecord(instar), details }
    };
  }
  return null;
}
function compareRuns(instar, qemu, what, details) {
  const exits = compareExits(instar, qemu, details);
  if (exits) return exits;
  return succeeded(instar) ? null : { kind: "skip", reason: `both tools refused ${what}` };
}

// src/fuzz/oracles.ts
import { stat } from "node:fs/promises";

// src/fuzz/normalise.ts
import { open } from "node:fs/promises";
function stripKeys(value, keys) {
  if (Array.isArray(value)) return value.map((v) => stripKeys(v, keys));
  if (!isObject(value)) return value;
  const out = {};
  for (const [k, v] of Object.entries(value)) if (!keys.has(k)) out[k] = stripKeys(v, keys);
  return out;
}
function replaceStrings(value, from, to, substring = false) {
  if (typeof value === "string") {
    if (value === from) return to;
    return substring && from !== "" ? value.split(from).join(to) : value;
  }
  if (Array.isArray(value)) return value.map((v) => replaceStrings(v, from, to, substring));
  if (!isObject(value)) return value;
  const out = {};
  for (const [k, v] of Object.entries(value)) out[k] = replaceStrings(v, from, to, substring);
  return out;
}
var INFO_STRIP = /* @__PURE__ */ new Set([
  "actual-size",
  "disk size",
  "image-clusters",
  "fragmented-clusters",
  "allocated-clusters",
  "filename",
  "format-specific",
  "dirty-flag"
]);
function normaliseInfo(doc) {
  return stripKeys(doc, INFO_STRIP);
}
var READBACK_UNIVERSAL = [
  "actual-size",
  "dirty-flag",
  "refcount-block-cache-size",
  "l2-cache-size",
  "l2-cache-entry-size",
  "cache-clean-interval"
];
var READBACK_TARGET = {
  vmdk: ["cid", "parent-cid"],
  vhdx: ["log-size"]
};
function normaliseReadback(doc, target, imagePath) {
  const strip = /* @__PURE__ */ new Set([...READBACK_UNIVERSAL, ...READBACK_TARGET[target] ?? []]);
  let out = stripKeys(doc, strip);
  if (isObject(out)) {
    if (Array.isArray(out.children)) {
      out.children = out.children.map((child) => {
        if (isObject(child) && isObject(child.info)) {
          const info3 = { ...child.info };
          delete info3["virtual-size"];
          return { ...child, info: info3 };
        }
        return child;
      });
    }
    if (Array.isArray(out.snapshots)) {
      out.snapshots = out.snapshots.map((s) => {
        if (!isObject(s)) return s;
        const copy = { ...s };
        delete copy["date-sec"];
        delete copy["date-nsec"];
        return copy;
      });
    }
    const fs = out["format-specific"];
    if (isObject(fs) && isObject(fs.data) && Array.isArray(fs.data.bitmaps)) {
      const bitmaps = fs.data.bitmaps.map(
        (b) => isObject(b) && Array.isArray(b.flags) ? { ...b, flags: [...b.flags].map(String).sort() } : b
      );
      bitmaps.sort(
        (a, b) => String(isObject(a) ? a.name : "").localeCompare(String(isObject(b) ? b.name : ""))
      );
      out = { ...out, "format-specific": { ...fs, data: { ...fs.data, bitmaps } } };
    }
  }
  return replaceFilename(out, imagePath);
}
function replaceFilename(value, imagePath) {
  if (Array.isArray(value)) return value.map((v) => replaceFilename(v, imagePath));
  if (!isObject(value)) return value;
  const out = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] = k === "filename" && v === imagePath ? "$FILENAME" : replaceFilename(v, imagePath);
  }
  return out;
}
function differingPaths(a, b, limit = 8, at = "") {
  if (Object.is(a, b)) return [];
  if (Array.isArray(a) && Array.isArray(b)) {
    const paths3 = [];
    const n = Math.max(a.length, b.length);
    for (let i = 0; i < n && paths3.length < limit; i++) {
      paths3.push(...differingPaths(a[i], b[i], limit - paths3.length, `${at}/${i}`));
    }
    return paths3;
  }
  if (isObject(a) && isObject(b)) {
    const paths3 = [];
    const keys = [.../* @__PURE__ */ new Set([...Object.keys(a), ...Object.keys(b)])];
    for (const k of keys) {
      if (paths3.length >= limit) break;
      paths3.push(...differingPaths(a[k], b[k], limit - paths3.length, `${at}/${k}`));
    }
    return paths3;
  }
  return [at === "" ? "/" : at];
}
var MAP_COMPARE_FIELDS = ["start", "length", "present", "zero", "data"];
var MAP_FIELD_SKIPS = { vpc: ["present"] };
function mapExtent(extent, format) {
  const skips = MAP_FIELD_SKIPS[format] ?? [];
  const e = isObject(extent) ? extent : {};
  const out = {};
  for (const f of MAP_COMPARE_FIELDS) if (!skips.includes(f)) out[f] = e[f];
  return out;
}
function parseCheckMetrics(stdout) {
  const doc = parseJson(stdout);
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) return null;
  const d = doc;
  const count2 = (k) => typeof d[k] === "number" ? d[k] : 0;
  return {
    corruptions: count2("corruptions"),
    leaks: count2("leaks"),
    checkErrors: count2("check-errors")
  };
}
function isClean(m) {
  return m.corruptions === 0 && m.leaks === 0 && m.checkErrors === 0;
}
var ALLOCATION_FIELDS = ["depth", "present", "zero", "data"];
function allocationExtents(doc) {
  if (!Array.isArray(doc)) return null;
  const out = [];
  for (const e of doc) {
    if (typeof e !== "object" || e === null) return null;
    const kept = { start: e.start, length: e.length };
    for (const f of ALLOCATION_FIELDS) kept[f] = e[f];
    const last = out.at(-1);
    if (last && ALLOCATION_FIELDS.every((f) => last[f] === kept[f]) && last.start + last.length === kept.start) {
      last.length = last.length + kept.length;
    } else {
      out.push(kept);
    }
  }
  return out;
}
function parseLibyalReport(stdout) {
  const fields = {};
  for (const line2 of stdout.split("\n")) {
    const colon = line2.indexOf(":");
    if (colon < 0) continue;
    const key = line2.slice(0, colon).trim().toLowerCase();
    const value = line2.slice(colon + 1).trim();
    if (key && value) fields[key] = value;
  }
  return fields;
}
function libyalBytes(value) {
  if (value === void 0) return void 0;
  const m = /\((\d+) bytes\)/.exec(value) ?? /^(\d+)(?: bytes)?$/.exec(value);
  return m ? Number(m[1]) : void 0;
}
function libyalFacts(stdout) {
  const f = parseLibyalReport(stdout);
  const facts = {};
  const size = libyalBytes(f["media size"]);
  if (size !== void 0) facts["virtual-size"] = size;
  const cluster = libyalBytes(f["cluster block size"] ?? f["cluster size"]);
  if (cluster !== void 0) facts["cluster-size"] = cluster;
  const version = f["format version"];
  if (/^QEMU Copy-On-Write/m.test(stdout) && (version === "2" || version === "3"))
    facts.compat = version === "2" ? "0.10" : "1.1";
  return facts;
}
function infoFacts(doc) {
  const d = doc ?? {};
  const fs = d["format-specific"];
  return {
    "virtual-size": d["virtual-size"],
    "cluster-size": d["cluster-size"],
    compat: fs?.data?.compat
  };
}
var NORMALISED_DATE_SEC = 1610612736;
var QCOW2_MAGIC = 1363560955;
var HEADER_BYTES = 72;
var TABLE_READ_LIMIT = 1 << 20;
var ENTRY_FIXED_BYTES = 40;
async function normaliseSnapshotTable(file) {
  const fh = await open(file, "r+");
  try {
    const header2 = Buffer.alloc(HEADER_BYTES);
    const { bytesRead } = await fh.read(header2, 0, HEADER_BYTES, 0);
    if (bytesRead < HEADER_BYTES || header2.readUInt32BE(0) !== QCOW2_MAGIC)
      return { ok: false, reason: "not a qcow2 header" };
    const count2 = header2.readUInt32BE(60);
    const tableOffset = Number(header2.readBigUInt64BE(64));
    if (count2 === 0) return { ok: true, entries: 0 };
    if (tableOffset === 0) return { ok: false, reason: `${count2} snapshots but no table offset` };
    const table = Buffer.alloc(TABLE_READ_LIMIT);
    const read = (await fh.read(table, 0, TABLE_READ_LIMIT, tableOffset)).bytesRead;
    let pos = 0;
    for (let i = 0; i < count2; i++) {
      const aligned = pos + 7 & ~7;
      if (aligned > read) return { ok: false, reason: `entry ${i} starts past the table read` };
      table.fill(0, pos, aligned);
      pos = aligned;
      if (pos + ENTRY_FIXED_BYTES > read) return { ok: false, reason: `entry ${i} is truncated` };
      table.writeUInt32BE(NORMALISED_DATE_SEC, pos + 16);
      table.writeUInt32BE(0, pos + 20);
      const idLength = table.readUInt16BE(pos + 12);
      const nameLength = table.readUInt16BE(pos + 14);
      const extra = table.readUInt32BE(pos + 36);
      pos += ENTRY_FIXED_BYTES + extra + idLength + nameLength;
      if (pos > read) return { ok: false, reason: `entry ${i} runs past the table read` };
    }
    await fh.write(table, 0, pos, tableOffset);
    return { ok: true, entries: count2 };
  } finally {
    await fh.close();
  }
}

// src/fuzz/oracles.ts
async function compareViews(tools, view, instar, qemu, details) {
  const ri = await tools.qemuImg([...view.args, instar.path]);
  const rq = await tools.qemuImg([...view.args, qemu.path]);
  const evidence = (summary, extra = {}) => ({
    summary,
    instar: callRecord(instar.call ?? ri),
    qemu: callRecord(qemu.call ?? rq),
    ...extra,
    details: {
      ...details,
      ...instar.call || qemu.call ? { readback: { instar: callRecord(ri), qemu: callRecord(rq) } } : {}
    }
  });
  const vq = succeeded(rq) ? view.read(rq.stdout, qemu) : void 0;
  if (vq === void 0) {
    return {
      kind: "inconclusive",
      type: "inconclusive_reference_readback",
      evidence: evidence(`qemu-img could not ${view.verb} its own result (${describeEnd(rq)}).`)
    };
  }
  if (!succeeded(ri)) {
    return {
      kind: "divergence",
      type: view.readFailure,
      evidence: evidence(
        `qemu-img cannot ${view.verb} the image instar wrote (${describeEnd(ri)}): ${ri.stderr.trim().slice(0, 300)}`
      )
    };
  }
  const vi = view.read(ri.stdout, instar);
  if (vi === void 0) {
    return {
      kind: "divergence",
      type: view.readFailure,
      evidence: evidence(
        `qemu-img ${view.args[0]} on the image instar wrote printed nothing it could read.`
      )
    };
  }
  const paths3 = differingPaths(vi, vq);
  if (paths3.length === 0) return { kind: "pass" };
  return {
    kind: "divergence",
    type: view.divergence,
    evidence: evidence(
      `qemu-img ${view.args[0]} of instar's result differs from qemu-img's own at ${paths3.slice(0, 3).join(", ")}.`,
      {
        instarOutput: vi,
        qemuOutput: vq,
        differingPaths: paths3
      }
    )
  };
}
function compareReadback(tools, prefix, target, instar, qemu, details) {
  const read = (stdout, side) => {
    const doc = parseJson(stdout);
    if (doc === void 0) return void 0;
    let out = normaliseReadback(doc, target, side.path);
    for (const [from, to] of side.replace ?? []) out = replaceStrings(out, from, to, true);
    return out;
  };
  const view = {
    args: ["info", "--output=json"],
    read,
    verb: "read back",
    readFailure: `${prefix}_info_readback_failure`,
    divergence: `${prefix}_info_divergence`
  };
  return compareViews(tools, view, instar, qemu, details);
}
var CONTENT_TYPES = {
  convert: {
    content: "convert_content_divergence",
    missing: "convert_missing_output",
    unreadable: "convert_unreadable_output"
  },
  dd: {
    content: "dd_content_divergence",
    missing: "dd_missing_output",
    unreadable: "dd_unreadable_output"
  },
  rebase: { content: "rebase_content_divergence", unreadable: "rebase_unreadable_output" },
  repair: { content: "repair_data_divergence", unreadable: "repair_unreadable_output" },
  commit_backing: {
    content: "commit_backing_content_divergence",
    unreadable: "commit_backing_unreadable_output"
  }
};
async function compareRawLengths(types, instarPath, qemuPath, evidence) {
  const [si, sq] = await Promise.all([
    stat(instarPath).catch(() => null),
    stat(qemuPath).catch(() => null)
  ]);
  if (sq === null)
    return {
      kind: "inconclusive",
      type: "inconclusive_reference_output_missing",
      evidence: evidence("qemu-img reported success but wrote no output file.")
    };
  if (si === null)
    return {
      kind: "divergence",
      type: types.missing ?? types.unreadable,
      evidence: evidence("instar reported success but wrote no output file.")
    };
  if (si.size === sq.size) return null;
  return {
    kind: "divergence",
    type: types.content,
    evidence: evidence(
      `raw output lengths differ: instar ${si.size} bytes, qemu-img ${sq.size} bytes.`,
      void 0,
      { instarLength: si.size, qemuLength: sq.size }
    )
  };
}
async function compareContent(tools, prefix, format, instarPath, qemuPath, details, calls2 = {}) {
  const types = CONTENT_TYPES[prefix];
  const evidence = (summary, checked, extra = {}) => ({
    summary,
    instar: calls2.instar && callRecord(calls2.instar),
    qemu: calls2.qemu && callRecord(calls2.qemu),
    details: { ...details, ...extra, ...checked ? { check: callRecord(checked) } : {} }
  });
  if (format === "raw") {
    const lengths = await compareRawLengths(types, instarPath, qemuPath, evidence);
    if (lengths) return lengths;
  }
  const cmp = await tools.qemuImg(["compare", "-f", format, "-F", format, instarPath, qemuPath]);
  const sizeMismatch = /size mismatch/i.test(cmp.stdout);
  if (cmp.exitCode === 0 && !sizeMismatch) return { kind: "pass" };
  if (cmp.exitCode === 0 || cmp.exitCode === 1) {
    const what = sizeMismatch && cmp.exitCode === 0 ? "virtual sizes differ (the extra part reads as zeros)" : `guest data differs: ${cmp.stdout.trim().split("\n").pop()}`;
    return {
      kind: "divergence",
      type: types.content,
      evidence: evidence(`${what}.`, cmp)
    };
  }
  const self2 = await tools.qemuImg(["compare", "-f", format, "-F", format, instarPath, instarPath]);
  if (!succeeded(self2)) {
    return {
      kind: "divergence",
      type: types.unreadable,
      evidence: evidence(
        `qemu-img cannot read instar's ${format} output (${describeEnd(self2)}): ${self2.stderr.trim().slice(0, 300)}`,
        self2
      )
    };
  }
  return {
    kind: "inconclusive",
    type: "inconclusive_compare_failed",
    evidence: evidence(`qemu-img compare failed (${describeEnd(cmp)}).`, cmp)
  };
}
async function checkClean(tools, prefix, imagePath, details, call2) {
  const r = await tools.qemuImg(["check", "-f", "qcow2", "--output=json", imagePath]);
  const instar = call2 && callRecord(call2);
  if (r.timedOut) {
    return {
      kind: "inconclusive",
      type: "inconclusive_external_timeout",
      evidence: { summary: `qemu-img check ${describeEnd(r)}.`, qemu: callRecord(r), details }
    };
  }
  const metrics = parseCheckMetrics(r.stdout);
  if (metrics === null) {
    return {
      kind: "inconclusive",
      type: "inconclusive_reference_check",
      evidence: {
        summary: `qemu-img check printed no counters for an image its info reads (${describeEnd(r)}): ${r.stderr.trim().slice(0, 300)}`,
        instar,
        qemu: callRecord(r),
        details
      }
    };
  }
  if (isClean(metrics)) return null;
  return {
    kind: "divergence",
    type: `${prefix}_check_divergence`,
    evidence: {
      summary: `qemu-img check finds the image instar left unclean: ${metrics.corruptions} corruptions, ${metrics.leaks} leaks, ${metrics.checkErrors} check errors.`,
      instar,
      qemu: callRecord(r),
      details: { ...details, metrics }
    }
  };
}
function compareAllocation(tools, prefix, format, instar, qemu, details) {
  const view = {
    args: ["map", "-f", format, "--output=json"],
    read: (stdout) => allocationExtents(parseJson(stdout)) ?? void 0,
    verb: "map",
    readFailure: `${prefix}_map_readback_failure`,
    divergence: `${prefix}_allocation_divergence`
  };
  return compareViews(tools, view, instar, qemu, details);
}

// src/fuzz/fixture.ts
var FixtureError = class extends Error {
  constructor(step, result, message2) {
    super(message2);
    this.step = step;
    this.result = result;
    this.name = "FixtureError";
  }
  step;
  result;
};
async function fixture(step, call2) {
  const r = await call2;
  if (!succeeded(r))
    throw new FixtureError(
      step,
      r,
      `${r.argv.slice(0, 2).map((a) => a.split("/").pop()).join(" ")} ${describeEnd(r)}: ${r.stderr.trim().slice(0, 300)}`
    );
  return r;
}
function qemuIoWrites(writes) {
  return writes.flatMap((w) => ["-c", `write -P ${w.byte} ${w.offset} ${w.length}`]);
}
function qemuIoWriteArgs(format, writes, file) {
  return ["-f", format, ...qemuIoWrites(writes), file];
}
function createImageArgs(image) {
  return [
    "create",
    "-q",
    "-f",
    image.format,
    ...(image.options ?? []).flatMap((o) => ["-o", o]),
    ...image.backing ? ["-b", image.backing, "-F", "qcow2"] : [],
    image.file,
    image.size
  ];
}
function createImage(tools, step, image) {
  return fixture(step, tools.qemuImg(createImageArgs(image), { cwd: image.cwd }));
}

// src/fuzz/qcow2-options.ts
var REFCOUNT_WIDTHS = [1, 2, 4, 8, 16, 32, 64];
var EXTENDED_L2_MIN_CLUSTER = 16384;
function qcow2KnobSchema(clusterSizes) {
  return {
    cluster_size: { values: clusterSizes, default: 65536 },
    extended_l2: { values: [false, true], default: false },
    lazy_refcounts: { values: [false, true], default: false },
    refcount_bits: { values: [null, ...REFCOUNT_WIDTHS], default: null }
  };
}
function drawQcow2Knobs(draw, clusterSizes) {
  const cluster_size = draw.knob("cluster_size", clusterSizes);
  const extended_l2 = cluster_size >= EXTENDED_L2_MIN_CLUSTER && draw.knob("extended_l2", [false, true], [7, 3]);
  const lazy_refcounts = draw.knob("lazy_refcounts", [false, true], [7, 3]);
  const refcount_bits = draw.knob(
    "refcount_bits",
    [null, ...REFCOUNT_WIDTHS],
    [10.5, 1, 1, 1, 1, 1, 1, 1]
  );
  return { cluster_size, extended_l2, lazy_refcounts, refcount_bits };
}
function validQcow2(knobs) {
  return !knobs.extended_l2 || knobs.cluster_size >= EXTENDED_L2_MIN_CLUSTER;
}
function chainKnobSchema(clusterSizes) {
  return {
    cluster_size: { values: clusterSizes, default: 65536 },
    lazy_refcounts: { values: [false, true], default: false }
  };
}
function drawChainKnobs(draw, clusterSizes) {
  return {
    cluster_size: draw.knob("cluster_size", clusterSizes),
    lazy_refcounts: draw.knob("lazy_refcounts", [false, true], [7, 3])
  };
}
function chainOptions(knobs) {
  return optionsOf(knobs, ["cluster_size", "lazy_refcounts"]);
}

// src/fuzz/operations/amend.ts
var AMEND_CASES = ["upgrade", "downgrade", "lazy-on", "lazy-off", "noop"];
var CASES = {
  upgrade: { create: ["compat=0.10"], amend: ["compat=1.1"] },
  downgrade: { create: ["compat=1.1"], amend: ["compat=0.10"] },
  "lazy-on": { create: ["compat=1.1"], amend: ["lazy_refcounts=on"] },
  "lazy-off": { create: ["compat=1.1", "lazy_refcounts=on"], amend: ["lazy_refcounts=off"] },
  noop: { create: ["compat=1.1"], amend: ["compat=1.1"] }
};
var AMEND_KNOBS = {
  case: { values: AMEND_CASES, default: "noop" },
  cluster_size: { values: [512, 4096, 65536], default: 65536 },
  refcount_bits: { values: [null, ...REFCOUNT_WIDTHS], default: null },
  lazy_refcounts: { values: [false, true], default: false }
};
function touchesV2(c) {
  return c === "upgrade" || c === "downgrade";
}
function amendOptions(plan) {
  const k = plan.knobs;
  const c = CASES[k.case];
  return {
    create: [...c.create, ...optionsOf(k, ["cluster_size", "refcount_bits"])],
    amend: [...c.amend, ...optionsOf(k, ["lazy_refcounts"])]
  };
}
function amendArgs(plan, file) {
  return ["-f", "qcow2", ...amendOptions(plan).amend.flatMap((o) => ["-o", o]), file];
}
function validAmend(k) {
  if (touchesV2(k.case) && k.refcount_bits !== null && k.refcount_bits !== 16) return false;
  return !k.lazy_refcounts || k.case === "upgrade";
}
function pickAmend(draw) {
  const amendCase = draw.knob("case", AMEND_CASES);
  const cluster_size = draw.knob("cluster_size", AMEND_KNOBS.cluster_size.values);
  const widths = touchesV2(amendCase) ? [16] : REFCOUNT_WIDTHS;
  const refcount_bits = draw.knob(
    "refcount_bits",
    [null, ...widths],
    [1.5 * widths.length, ...widths.map(() => 1)]
  );
  const lazy_refcounts = amendCase === "upgrade" && draw.knob("lazy_refcounts", [false, true]);
  return {
    target: "qcow2",
    knobs: { case: amendCase, cluster_size, refcount_bits, lazy_refcounts }
  };
}
var amend = {
  name: "amend",
  readsSource: false,
  knobs: AMEND_KNOBS,
  pick: (draw) => pickAmend(draw),
  withKnobs: (plan, knobs) => validAmend(knobs) ? { ...plan, knobs } : null,
  async run(plan, { dir, tools }) {
    const instarPath = path2.join(dir, "amend-instar.qcow2");
    const qemuPath = path2.join(dir, "amend-qemu.qcow2");
    const opts = amendOptions(plan);
    for (const file of [instarPath, qemuPath])
      await createImage(tools, "create image to amend", {
        format: "qcow2",
        file,
        size: "1M",
        options: opts.create
      });
    const details = { createOptions: opts.create, amendOptions: opts.amend };
    const i = await tools.instar(["amend", ...amendArgs(plan, instarPath)]);
    const q = await tools.qemuImg(["amend", ...amendArgs(plan, qemuPath)]);
    const exits = compareRuns(i, q, "the amendment", details);
    if (exits) return exits;
    const readback = await compareReadback(
      tools,
      "amend",
      "qcow2",
      { path: instarPath, call: i },
      { path: qemuPath, call: q },
      details
    );
    if (readback.kind !== "pass") return readback;
    return await checkClean(tools, "amend", instarPath, details, i) ?? { kind: "pass" };
  }
};

// src/fuzz/libyal.ts
import path4 from "node:path";

// src/fuzz/libyal-tools.ts
import { constants } from "node:fs";
import { access } from "node:fs/promises";
import path3 from "node:path";
var LIBYAL_TOOLS = {
  qcow2: "qcowinfo",
  vmdk: "vmdkinfo",
  vpc: "vhdiinfo",
  vhdx: "vhdiinfo"
};
async function detectLibyal(searchPath = process.env.PATH ?? "") {
  const found = {};
  const missing = [];
  for (const tool of new Set(Object.values(LIBYAL_TOOLS))) {
    let hit;
    for (const dir of searchPath.split(path3.delimiter)) {
      if (!dir) continue;
      const candidate = path3.join(dir, tool);
      if (await access(candidate, constants.X_OK).then(
        () => true,
        () => false
      )) {
        hit = candidate;
        break;
      }
    }
    if (hit) found[tool] = hit;
    else missing.push(tool);
  }
  return { found, missing };
}
function describeLibyal(libyal) {
  const formatsOf = (tool) => Object.entries(LIBYAL_TOOLS).filter(([, t]) => t === tool).map(([f]) => f).join("/");
  return [
    ...Object.entries(libyal.found).map(([tool, at]) => `libyal: ${tool} found at ${at}`),
    ...libyal.missing.map(
      (tool) => `libyal: ${tool} not found; ${formatsOf(tool)} info/check are not cross-checked`
    )
  ];
}

// src/fuzz/libyal.ts
var CHECK_UNSUPPORTED = 63;
var CHECK_LEAKS_ONLY = 3;
function toolFor(libyal, format) {
  const tool = LIBYAL_TOOLS[format];
  return tool ? libyal.found[tool] : void 0;
}
async function libyalInfoCrossCheck(tools, libyal, source, instarInfo, qemuInfo) {
  const tool = toolFor(libyal, source.spec.format);
  const instarDoc = parseJson(instarInfo.stdout);
  if (!tool || !succeeded(instarInfo) || instarDoc === void 0) return null;
  const r = await tools.external(tool, [source.instarPath]);
  if (!succeeded(r)) return null;
  const theirs = libyalFacts(r.stdout);
  const ours = infoFacts(instarDoc);
  const reference = qemuInfo ? infoFacts(parseJson(qemuInfo.stdout)) : {};
  const differing = Object.keys(theirs).filter((k) => ours[k] !== void 0 && ours[k] !== theirs[k]);
  if (differing.length === 0) return null;
  const real = differing.filter((k) => reference[k] === void 0 || reference[k] !== ours[k]);
  const shown2 = real.length > 0 ? real : differing;
  const fields = Object.fromEntries(
    shown2.map((k) => [k, { instar: ours[k], libyal: theirs[k], qemu: reference[k] }])
  );
  const name = path4.basename(tool);
  const details = { tool: name, libyalCall: callRecord(r), fields };
  const first = shown2[0];
  const words = `${name} reads ${first} ${String(theirs[first])} where instar info says ${String(ours[first])}`;
  if (real.length === 0) {
    return {
      kind: "inconclusive",
      type: "inconclusive_libyal_outlier",
      evidence: {
        summary: `${words}, and so does qemu-img: libyal's reading is the odd one out.`,
        instar: callRecord(instarInfo),
        qemu: qemuInfo && callRecord(qemuInfo),
        details
      }
    };
  }
  return {
    kind: "divergence",
    type: "libyal_info_divergence",
    evidence: {
      summary: `${words}${reference[first] === void 0 ? "" : ` (qemu-img: ${String(reference[first])})`}.`,
      instar: callRecord(instarInfo),
      qemu: qemuInfo && callRecord(qemuInfo),
      instarOutput: Object.fromEntries(real.map((k) => [k, ours[k]])),
      qemuOutput: Object.fromEntries(real.map((k) => [k, reference[k]])),
      differingPaths: real.map((k) => k === "compat" ? "/format-specific/data/compat" : `/${k}`),
      details
    }
  };
}
async function libyalCheckCrossCheck(tools, libyal, source, instarCheck) {
  const tool = toolFor(libyal, source.spec.format);
  if (!tool || instarCheck.timedOut || instarCheck.signal !== null) return null;
  if (instarCheck.exitCode === CHECK_UNSUPPORTED) return null;
  const r = await tools.external(tool, [source.instarPath]);
  const name = path4.basename(tool);
  const details = { tool: name, libyalCall: callRecord(r), source: source.spec };
  if (r.timedOut || r.signal !== null) {
    return {
      kind: "inconclusive",
      type: "inconclusive_external_timeout",
      evidence: { summary: `${name} ${describeEnd(r)}; libyal gave no answer.`, details }
    };
  }
  const instarOk = instarCheck.exitCode === 0 || instarCheck.exitCode === CHECK_LEAKS_ONLY;
  const libyalOk = r.exitCode === 0;
  if (instarOk === libyalOk) return null;
  if (instarOk) {
    return {
      kind: "inconclusive",
      type: "inconclusive_libyal_outlier",
      evidence: {
        summary: `${name} cannot open the ${source.spec.format} image qemu-img wrote and instar checks clean (${describeEnd(r)}).`,
        instar: callRecord(instarCheck),
        details
      }
    };
  }
  return {
    kind: "divergence",
    type: "libyal_check_divergence",
    evidence: {
      summary: `instar check rejects the ${source.spec.format} image (${describeEnd(instarCheck)}) that ${name} reads without complaint.`,
      instar: callRecord(instarCheck),
      details
    }
  };
}

// src/fuzz/operations/check.ts
var check = {
  name: "check",
  readsSource: true,
  targetIsSourceFormat: true,
  knobs: {},
  pick: (_draw, source) => ({ target: source.format, knobs: {} }),
  withKnobs: (plan) => plan,
  async run(plan, { source, tools }) {
    const i = await tools.instar(["check", source.instarPath]);
    const q = await tools.qemuImg(["check", source.qemuPath]);
    const parity = plan.target === "qcow2";
    const exits = compareExits(i, q, void 0, parity);
    if (exits) return exits;
    const third = tools.libyal && await libyalCheckCrossCheck(tools, tools.libyal, source, i);
    return third ?? { kind: "pass" };
  }
};

// src/fuzz/operations/commit.ts
import { copyFile, mkdir as mkdir2 } from "node:fs/promises";
import path5 from "node:path";
var SEED_WRITE = { offset: 0, length: 65536, byte: 171 };
var COMMIT_KNOBS = {
  base: { values: [null, "explicit"], default: null },
  data: { values: [null, "seed-64k"], default: null },
  ...chainKnobSchema([512, 4096, 65536])
};
function pickCommit(draw) {
  const overlaySize = draw.choice(["1M", "4M", "64M"]);
  const base = draw.knob("base", COMMIT_KNOBS.base.values);
  const data = draw.knob("data", COMMIT_KNOBS.data.values);
  const knobs = { base, data, ...drawChainKnobs(draw, COMMIT_KNOBS.cluster_size.values) };
  return { target: "qcow2", knobs, overlaySize };
}
async function buildChains(plan, dirs, tools) {
  const options = chainOptions(plan.knobs);
  for (const d of dirs) await mkdir2(d);
  const [first, ...others] = dirs;
  const base = path5.join(first, "base.qcow2");
  const overlay = path5.join(first, "overlay.qcow2");
  const size = plan.overlaySize;
  await createImage(tools, "create base", { format: "qcow2", file: base, size, options });
  await createImage(tools, "create overlay", {
    format: "qcow2",
    file: overlay,
    size,
    options: [...options, "backing_file=base.qcow2,backing_fmt=qcow2"],
    cwd: first
  });
  if (plan.knobs.data === "seed-64k") {
    await fixture("seed overlay", tools.qemuIo(qemuIoWriteArgs("qcow2", [SEED_WRITE], overlay)));
  }
  for (const d of others) {
    await copyFile(base, path5.join(d, "base.qcow2"));
    await copyFile(overlay, path5.join(d, "overlay.qcow2"));
  }
}
function commitArgs(plan, side) {
  return [
    ...plan.knobs.base === "explicit" ? ["-b", "base.qcow2"] : [],
    path5.join(side, "overlay.qcow2")
  ];
}
var commit = {
  name: "commit",
  readsSource: false,
  knobs: COMMIT_KNOBS,
  pick: (draw) => pickCommit(draw),
  withKnobs: (plan, knobs) => ({ ...plan, knobs }),
  async run(plan, { dir, tools }) {
    const instarDir = path5.join(dir, "instar");
    const qemuDir = path5.join(dir, "qemu");
    await buildChains(plan, [qemuDir, instarDir], tools);
    const details = { overlaySize: plan.overlaySize };
    const i = await tools.instar(["commit", ...commitArgs(plan, instarDir)], { cwd: instarDir });
    const q = await tools.qemuImg(["commit", ...commitArgs(plan, qemuDir)], { cwd: qemuDir });
    const exits = compareRuns(i, q, "the commit", details);
    if (exits) return exits;
    const sides = (file) => [
      { path: path5.join(instarDir, file), replace: [[instarDir, "$DIR"]], call: i },
      { path: path5.join(qemuDir, file), replace: [[qemuDir, "$DIR"]], call: q }
    ];
    const overlay = sides("overlay.qcow2");
    const backing = sides("base.qcow2");
    const checks = [
      () => compareReadback(tools, "commit_overlay", "qcow2", ...overlay, details),
      () => compareReadback(tools, "commit_backing", "qcow2", ...backing, details),
      () => compareContent(
        tools,
        "commit_backing",
        "qcow2",
        backing[0].path,
        backing[1].path,
        details,
        {
          instar: i,
          qemu: q
        }
      ),
      () => compareAllocation(tools, "commit_overlay", "qcow2", ...overlay, details)
    ];
    for (const check3 of checks) {
      const outcome = await check3();
      if (outcome.kind !== "pass") return outcome;
    }
    return { kind: "pass" };
  }
};

// src/fuzz/operations/convert.ts
import path6 from "node:path";
function convertArgs(plan, tool, input, output) {
  const compress = tool === "instar" ? "--compress" : "-c";
  return ["-O", plan.target, ...plan.compress ? [compress] : [], input, output];
}
function convertOperation(name, compressed) {
  return {
    name,
    readsSource: true,
    knobs: {},
    pick(draw) {
      const target = draw.knob("target", ["raw", "qcow2"]);
      return { target, knobs: {}, compress: compressed && target === "qcow2" };
    },
    withKnobs: (plan) => plan,
    async run(plan, { dir, source, tools }) {
      const instarOut = path6.join(dir, `instar-conv.${plan.target}`);
      const qemuOut = path6.join(dir, `qemu-conv.${plan.target}`);
      const i = await tools.instar([
        "convert",
        ...convertArgs(plan, "instar", source.instarPath, instarOut)
      ]);
      const q = await tools.qemuImg([
        "convert",
        ...convertArgs(plan, "qemu-img", source.qemuPath, qemuOut)
      ]);
      const details = { compress: plan.compress, source: source.spec };
      const exits = compareRuns(i, q, "the conversion", details);
      if (exits) return exits;
      return compareContent(tools, "convert", plan.target, instarOut, qemuOut, details, {
        instar: i,
        qemu: q
      });
    }
  };
}
var convert = convertOperation("convert", false);
var convertCompressed = convertOperation("convert_compressed", true);

// src/fuzz/operations/create.ts
import path8 from "node:path";

// src/fuzz/source.ts
import { open as open2, stat as stat2 } from "node:fs/promises";
import path7 from "node:path";

// src/fuzz/size.ts
var SUFFIX = {
  b: 512,
  k: 1024,
  K: 1024,
  M: 1024 ** 2,
  G: 1024 ** 3,
  T: 1024 ** 4
};
function parseSize(text) {
  const last = text.slice(-1);
  if (last in SUFFIX) return Number(text.slice(0, -1)) * SUFFIX[last];
  const n = Number(text);
  if (!Number.isFinite(n)) throw new Error(`not a size: ${text}`);
  return n;
}
function resolveResize(startBytes, spec) {
  if (spec.startsWith("+")) return startBytes + parseSize(spec.slice(1));
  if (spec.startsWith("-")) return startBytes - parseSize(spec.slice(1));
  return parseSize(spec);
}

// src/fuzz/source.ts
var SOURCE_FORMATS = ["qcow2", "raw", "vmdk", "vpc"];
var VIRTUAL_SIZES = ["1M", "4M", "16M", "64M", "256M", "1G"];
var QCOW2_CLUSTER_SIZES = [512, 4096, 65536, 262144, 2097152];
var DATA_PATTERNS = ["zeros", "random", "mbr"];
var SOURCE_KNOBS = {
  from: { values: SOURCE_FORMATS, default: "raw" },
  cluster_size: { values: QCOW2_CLUSTER_SIZES, default: 65536 },
  pattern: { values: DATA_PATTERNS, default: "zeros" }
};
var FALLBACK_WRITES = [{ offset: 0, length: 4096, byte: 90 }];
var VPC_VIRTUAL_SIZES = {
  "1M": 1079296,
  "4M": 4212736,
  "16M": 16781312,
  "64M": 67125248,
  "256M": 268886016,
  "1G": 1073995776
};
function sourceVirtualSize(source) {
  return source.format === "vpc" && VPC_VIRTUAL_SIZES[source.size] || source.sizeBytes;
}
function drawSource(draw) {
  const format = draw.knob("from", SOURCE_FORMATS);
  const size = draw.choice(VIRTUAL_SIZES);
  const pattern = format === "raw" ? draw.knob("pattern", DATA_PATTERNS, [2, 1, 1]) : draw.knob("pattern", ["zeros", "random"], [3, 1]);
  const spec = { format, size, sizeBytes: parseSize(size), pattern, writes: [] };
  if (format === "qcow2") spec.clusterSize = draw.knob("cluster_size", QCOW2_CLUSTER_SIZES);
  if (pattern === "random") {
    const n = draw.int(1, 4);
    for (let i = 0; i < n; i++) {
      spec.writes.push({
        offset: draw.choice([0, 4096, 8192, 65536, 131072]),
        length: draw.choice([512, 4096]),
        byte: draw.int(0, 255)
      });
    }
  }
  return spec;
}
function sourceKnobs(spec, withFormat) {
  return {
    ...withFormat ? { from: spec.format } : {},
    ...spec.format === "qcow2" ? { cluster_size: spec.clusterSize ?? 65536 } : {},
    pattern: spec.pattern
  };
}
function withSourceKnobs(spec, knobs) {
  const format = knobs.from ?? spec.format;
  const pattern = knobs.pattern ?? spec.pattern;
  if (pattern === "mbr" && format !== "raw") return null;
  const writes = pattern !== "random" ? [] : spec.writes.length > 0 ? spec.writes : [...FALLBACK_WRITES];
  const next = { format, size: spec.size, sizeBytes: spec.sizeBytes, pattern, writes };
  if (format === "qcow2") next.clusterSize = knobs.cluster_size ?? spec.clusterSize ?? 65536;
  return next;
}
function sourceCreateOptions(spec) {
  if (spec.format === "qcow2" && spec.clusterSize) return [`cluster_size=${spec.clusterSize}`];
  if (spec.format === "vmdk") return ["subformat=monolithicSparse"];
  return [];
}
async function writeBytes(file, writes) {
  const fh = await open2(file, "r+");
  try {
    for (const w of writes) await fh.write(Buffer.alloc(w.length, w.byte), 0, w.length, w.offset);
  } finally {
    await fh.close();
  }
}
var MBR_WRITES = [
  { offset: 446, bytes: [128, 0, 1, 0, 131, 0, 0, 0, 0, 8, 0, 0, 0, 0, 0, 0] },
  { offset: 510, bytes: [85, 170] }
];
async function writeMbr(file) {
  const fh = await open2(file, "r+");
  try {
    for (const w of MBR_WRITES) await fh.write(Buffer.from(w.bytes), 0, w.bytes.length, w.offset);
  } finally {
    await fh.close();
  }
}
async function buildSource(spec, dir, tools) {
  const file = path7.join(dir, `source.${spec.format}`);
  await createImage(tools, "create source", {
    format: spec.format,
    file,
    size: spec.size,
    options: sourceCreateOptions(spec)
  });
  if (spec.writes.length > 0 && spec.format === "raw") {
    await writeBytes(file, spec.writes);
  } else if (spec.writes.length > 0) {
    await fixture(
      "write source data",
      tools.qemuIo(qemuIoWriteArgs(spec.format, spec.writes, file))
    );
  }
  if (spec.pattern === "mbr" && spec.format === "raw") await writeMbr(file);
  return { spec, qemuPath: file, instarPath: file };
}
async function fileSignature(file) {
  const st = await stat2(file, { bigint: true });
  return `${st.size}:${st.mtimeNs}:${st.ctimeNs}`;
}

// src/fuzz/operations/create.ts
var CREATE_TARGETS = ["qcow2", "vmdk", "vhdx", "raw"];
var PREALLOCATIONS = [null, "metadata", "falloc", "full"];
var CREATE_KNOBS = {
  ...qcow2KnobSchema(QCOW2_CLUSTER_SIZES),
  preallocation: { values: PREALLOCATIONS, default: null },
  subformat: { values: ["monolithicSparse", "streamOptimized"], default: "monolithicSparse" },
  // Always given: instar's default block size (8 MiB) differs from qemu-img's on purpose.
  block_size: { values: ["16M", "32M"], default: "32M" },
  unknown_option: { values: [false, true], default: false }
};
function withUnknownOption(draw, plan) {
  const unknown_option = draw.knob("unknown_option", [false, true], [19, 1]);
  return { ...plan, knobs: { ...plan.knobs, unknown_option } };
}
var PREALLOCATED_SIZE = "1M";
function pickCreate(draw) {
  return withUnknownOption(draw, pickValidCreate(draw));
}
function pickValidCreate(draw) {
  const target = draw.knob("target", CREATE_TARGETS);
  if (target === "qcow2") {
    const qcow2 = drawQcow2Knobs(draw, QCOW2_CLUSTER_SIZES);
    const preallocation = qcow2.extended_l2 ? null : draw.knob("preallocation", PREALLOCATIONS);
    const size = preallocation ? PREALLOCATED_SIZE : draw.choice(["1M", "16M", "64M"]);
    return { target, knobs: { ...qcow2, preallocation }, size };
  }
  if (target === "vmdk") {
    const subformat = draw.knob("subformat", CREATE_KNOBS.subformat.values);
    return { target, knobs: { subformat }, size: draw.choice(["1M", "16M", "64M", "256M"]) };
  }
  if (target === "vhdx") {
    const block_size = draw.knob("block_size", CREATE_KNOBS.block_size.values);
    return { target, knobs: { block_size }, size: draw.choice(["64M", "256M", "1G"]) };
  }
  return { target, knobs: {}, size: draw.choice(["1M", "16M", "64M", "256M"]) };
}
function withCreateKnobs(plan, knobs) {
  if (plan.target === "qcow2") {
    if (!validQcow2(knobs) || knobs.extended_l2 && knobs.preallocation) return null;
    return { ...plan, knobs, size: knobs.preallocation ? PREALLOCATED_SIZE : plan.size };
  }
  return { ...plan, knobs };
}
function createArgs(plan, file) {
  return [
    "create",
    "-f",
    plan.target,
    ...optionsOf(plan.knobs).flatMap((o) => ["-o", o]),
    file,
    plan.size
  ];
}
var create = {
  name: "create",
  readsSource: false,
  knobs: CREATE_KNOBS,
  pick: (draw) => pickCreate(draw),
  withKnobs: withCreateKnobs,
  async run(plan, { dir, tools }) {
    const instarPath = path8.join(dir, `create-instar.${plan.target}`);
    const qemuPath = path8.join(dir, `create-qemu.${plan.target}`);
    const details = { size: plan.size };
    const i = await tools.instar(createArgs(plan, instarPath));
    const q = await tools.qemuImg(createArgs(plan, qemuPath));
    const exits = compareRuns(i, q, "the options", details);
    if (exits) return exits;
    return compareReadback(
      tools,
      "create",
      plan.target,
      { path: instarPath, call: i },
      { path: qemuPath, call: q },
      details
    );
  }
};

// src/fuzz/operations/dd.ts
import path9 from "node:path";
var DD_TARGETS = ["raw", "qcow2", "vmdk", "vpc", "vhdx"];
var DD_BS_ALIGNED = [512, 4096, 65536, 1048576];
var DD_BS_UNALIGNED = [1, 777, 999, 1e3, 4095, 65537, 1048577];
var DD_BS_LARGE = 8 * 1024 * 1024;
var DD_DEFAULT_BS = 512;
var DD_MAX_BYTES = 64 * 1024 * 1024;
var DD_MAX_BLOCKS = 16384;
function blockSize(plan) {
  return plan.bs ?? DD_DEFAULT_BS;
}
function maxBlocks(bs) {
  return Math.max(1, Math.min(DD_MAX_BLOCKS, Math.floor(DD_MAX_BYTES / bs)));
}
function ddOutputBytes(plan) {
  const bs = blockSize(plan);
  const end = plan.count === null ? plan.virtualSize : Math.min(plan.count * bs, plan.virtualSize);
  return Math.max(0, end - plan.skip * bs);
}
function boundedSkip(plan) {
  if (plan.count !== null) return plan.skip;
  const bs = blockSize(plan);
  const blocks = Math.ceil(plan.virtualSize / bs);
  return Math.max(plan.skip, blocks - maxBlocks(bs));
}
function excluded(target, outputBytes) {
  return outputBytes === 0 && (target === "vmdk" || target === "vhdx");
}
var FALLBACK = { aligned: 4096, unaligned: 777, large: DD_BS_LARGE, zeroCount: 0, setCount: 16 };
var DD_KNOBS = {
  bs: { values: [null, "aligned", "unaligned", "large"], default: null },
  count: { values: [null, "zero", "set"], default: null },
  skip: { values: [null, "set"], default: null }
};
function withWindow(plan, knobs, source) {
  const same = (k) => knobs[k] === plan.knobs[k];
  const bs = same("bs") ? plan.bs : knobs.bs === null ? null : FALLBACK[knobs.bs];
  const count2 = same("count") ? plan.count : knobs.count === null ? null : knobs.count === "zero" ? FALLBACK.zeroCount : FALLBACK.setCount;
  const next = {
    ...plan,
    knobs,
    bs,
    count: count2,
    skip: knobs.skip === null ? 0 : same("skip") ? plan.skip : 1,
    virtualSize: sourceVirtualSize(source)
  };
  next.skip = boundedSkip(next);
  if (next.skip > 0 && knobs.skip === null) return null;
  if (excluded(next.target, ddOutputBytes(next))) return null;
  return next;
}
function pickDd(draw, source) {
  const target = draw.knob("target", DD_TARGETS);
  const virtualSize = sourceVirtualSize(source);
  const kind = draw.knob("bs", ["aligned", "unaligned", "large"], [45, 45, 10]);
  const bs = kind === "aligned" ? draw.choice(DD_BS_ALIGNED) : kind === "unaligned" ? draw.choice(DD_BS_UNALIGNED) : DD_BS_LARGE;
  const imageBlocks = Math.ceil(virtualSize / bs);
  const most = maxBlocks(bs);
  let skip = draw.int(0, Math.min(Math.max(imageBlocks * 2, 1), most * 2));
  const countKind = draw.knob("count", [null, "zero", "set"], [55, 7, 38]);
  const count2 = countKind === null ? null : countKind === "zero" ? 0 : draw.int(1, Math.min(Math.max(Math.floor(imageBlocks * 1.5), 1), most));
  skip = boundedSkip({ bs, count: count2, skip, virtualSize });
  const knobs = { bs: kind, count: countKind, skip: skip > 0 ? "set" : null };
  const plan = { target, knobs, bs, count: count2, skip, virtualSize };
  return excluded(target, ddOutputBytes(plan)) ? null : plan;
}
function ddOperands(plan, input, output) {
  return [
    "-O",
    plan.target,
    `if=${input}`,
    `of=${output}`,
    ...plan.bs !== null ? [`bs=${plan.bs}`] : [],
    ...plan.count !== null ? [`count=${plan.count}`] : [],
    ...plan.skip > 0 ? [`skip=${plan.skip}`] : []
  ];
}
var dd = {
  name: "dd",
  readsSource: true,
  knobs: DD_KNOBS,
  pick: pickDd,
  withKnobs: (plan, knobs, source) => withWindow(plan, knobs, source),
  async run(plan, { dir, source, tools }) {
    const instarOut = path9.join(dir, `instar-dd.${plan.target}`);
    const qemuOut = path9.join(dir, `qemu-dd.${plan.target}`);
    const i = await tools.instar(["dd", ...ddOperands(plan, source.instarPath, instarOut)]);
    const q = await tools.qemuImg(["dd", ...ddOperands(plan, source.qemuPath, qemuOut)]);
    const details = {
      bs: plan.bs,
      count: plan.count,
      skip: plan.skip,
      outputBytes: ddOutputBytes(plan),
      source: source.spec
    };
    const exits = compareRuns(i, q, "the dd", details);
    if (exits) return exits;
    return compareContent(tools, "dd", plan.target, instarOut, qemuOut, details, {
      instar: i,
      qemu: q
    });
  }
};

// src/fuzz/operations/info.ts
var info = {
  name: "info",
  readsSource: true,
  targetIsSourceFormat: true,
  knobs: {},
  pick: (_draw, source) => source.format === "raw" ? null : { target: source.format, knobs: {} },
  withKnobs: (plan) => plan,
  async run(_plan, { source, tools }) {
    const i = await tools.instar(["info", "--output", "json", source.instarPath]);
    const q = await tools.qemuImg(["info", "--output=json", source.qemuPath]);
    const exits = compareRuns(i, q, "the image");
    if (exits) return exits;
    const di = parseJson(i.stdout);
    if (di === void 0) {
      return {
        kind: "divergence",
        type: "info_json_parse_failure",
        evidence: {
          summary: "instar info --output json did not print JSON.",
          instar: callRecord(i),
          qemu: callRecord(q)
        }
      };
    }
    const ni = normaliseInfo(di);
    const nq = normaliseInfo(parseJson(q.stdout));
    const paths3 = differingPaths(ni, nq);
    if (paths3.length === 0) {
      const third = tools.libyal && await libyalInfoCrossCheck(tools, tools.libyal, source, i, q);
      return third ?? { kind: "pass" };
    }
    return {
      kind: "divergence",
      type: "info_output_divergence",
      evidence: {
        summary: `instar info differs from qemu-img info at ${paths3.slice(0, 3).join(", ")}.`,
        instar: callRecord(i),
        qemu: callRecord(q),
        instarOutput: ni,
        qemuOutput: nq,
        differingPaths: paths3
      }
    };
  }
};

// src/fuzz/operations/map.ts
var MAP_ALIGN = 65536;
var SHOWN_EXTENTS = 64;
var WINDOW = [null, "aligned"];
function window(plan, knobs, size) {
  if (size < 2 * MAP_ALIGN && (knobs.start_offset || knobs.max_length)) return null;
  return {
    ...plan,
    knobs,
    startOffset: knobs.start_offset ? plan.startOffset ?? MAP_ALIGN : void 0,
    maxLength: knobs.max_length ? plan.maxLength ?? MAP_ALIGN : void 0
  };
}
function pickMap(draw, source) {
  if (source.format === "raw") return null;
  const size = source.sizeBytes;
  const plan = { target: source.format, knobs: { start_offset: null, max_length: null } };
  if (size < 2 * MAP_ALIGN) return plan;
  const start = draw.knob("start_offset", WINDOW, [3, 1]);
  if (start)
    plan.startOffset = Math.floor(draw.int(0, Math.floor(size / 2)) / MAP_ALIGN) * MAP_ALIGN;
  const length = draw.knob("max_length", WINDOW, [3, 1]);
  if (length)
    plan.maxLength = Math.min(Math.floor(draw.int(MAP_ALIGN, size) / MAP_ALIGN) * MAP_ALIGN, size);
  plan.knobs = { start_offset: start, max_length: length };
  return plan;
}
function windowArgs(plan) {
  return [
    ...plan.startOffset !== void 0 ? ["--start-offset", String(plan.startOffset)] : [],
    ...plan.maxLength !== void 0 ? ["--max-length", String(plan.maxLength)] : []
  ];
}
var map = {
  name: "map",
  readsSource: true,
  targetIsSourceFormat: true,
  knobs: {
    start_offset: { values: WINDOW, default: null },
    max_length: { values: WINDOW, default: null }
  },
  pick: pickMap,
  withKnobs: (plan, knobs, source) => window(plan, knobs, source?.sizeBytes ?? 0),
  async run(plan, { source, tools }) {
    const window2 = windowArgs(plan);
    const i = await tools.instar(["map", ...window2, "--output", "json", source.instarPath]);
    const q = await tools.qemuImg(["map", ...window2, "--output=json", source.qemuPath]);
    const details = { window: window2, source: source.spec };
    const exits = compareRuns(i, q, "to map the image", details);
    if (exits) return exits;
    const di = parseJson(i.stdout);
    const dq = parseJson(q.stdout);
    const base = (summary) => ({
      summary,
      instar: callRecord(i),
      qemu: callRecord(q),
      details
    });
    if (!Array.isArray(dq)) {
      return {
        kind: "inconclusive",
        type: "inconclusive_reference_output",
        evidence: base("qemu-img map --output=json did not print a JSON array.")
      };
    }
    if (di === void 0) {
      return {
        kind: "divergence",
        type: "map_json_parse_failure",
        evidence: base("instar map --output json did not print JSON.")
      };
    }
    if (!Array.isArray(di)) {
      return {
        kind: "divergence",
        type: "map_json_shape_divergence",
        evidence: base("instar map printed JSON that is not an array of extents.")
      };
    }
    const ei = di.map((e) => mapExtent(e, plan.target));
    const eq = dq.map((e) => mapExtent(e, plan.target));
    if (ei.length !== eq.length) {
      return {
        kind: "divergence",
        type: "map_extent_count_divergence",
        evidence: {
          ...base(`instar map reports ${ei.length} extents where qemu-img reports ${eq.length}.`),
          instarOutput: ei.slice(0, SHOWN_EXTENTS),
          qemuOutput: eq.slice(0, SHOWN_EXTENTS),
          details: { ...details, instarCount: ei.length, qemuCount: eq.length }
        }
      };
    }
    const paths3 = differingPaths(ei, eq);
    if (paths3.length === 0) return { kind: "pass" };
    const [, index, field] = paths3[0].split("/");
    const k = Number(index);
    return {
      kind: "divergence",
      type: "map_field_divergence",
      evidence: {
        ...base(
          `extent ${k}'s ${field} differs: instar ${JSON.stringify(ei[k][field])}, qemu-img ${JSON.stringify(eq[k][field])}.`
        ),
        instarOutput: ei.slice(0, SHOWN_EXTENTS),
        qemuOutput: eq.slice(0, SHOWN_EXTENTS),
        differingPaths: paths3,
        details: { ...details, extentIndex: k, field, instarExtent: di[k], qemuExtent: dq[k] }
      }
    };
  }
};

// src/fuzz/operations/measure.ts
import { stat as stat3 } from "node:fs/promises";
import path10 from "node:path";
var MEASURED = ["required", "fully-allocated"];
function instarMeasure(plan, source, tools) {
  return tools.instar(["measure", "-O", plan.target, "--output", "json", source.instarPath]);
}
async function againstReference(plan, { source, tools }) {
  const i = await instarMeasure(plan, source, tools);
  const q = await tools.qemuImg(["measure", "-O", plan.target, "--output=json", source.qemuPath]);
  const details = { source: source.spec };
  const exits = compareRuns(i, q, "to measure", details);
  if (exits) return exits;
  const mi = jsonObject(i.stdout);
  const mq = jsonObject(q.stdout);
  const evidence = {
    instar: callRecord(i),
    qemu: callRecord(q),
    instarOutput: mi ?? i.stdout,
    qemuOutput: mq,
    details
  };
  if (!mi)
    return {
      kind: "divergence",
      type: "measure_json_parse_failure",
      evidence: {
        ...evidence,
        summary: "instar measure --output json did not print a JSON object."
      }
    };
  if (!mq)
    return {
      kind: "inconclusive",
      type: "inconclusive_reference_output",
      evidence: { ...evidence, summary: "qemu-img measure printed no JSON object." }
    };
  const differing = MEASURED.filter((k) => mi[k] !== mq[k]);
  if (differing.length > 0) {
    const k = differing[0];
    return {
      kind: "divergence",
      type: "measure_numeric_divergence",
      evidence: {
        ...evidence,
        summary: `measure's ${k} differs: instar ${String(mi[k])}, qemu-img ${String(mq[k])}.`,
        differingPaths: differing.map((d) => `/${d}`)
      }
    };
  }
  if ("bitmaps" in mi !== "bitmaps" in mq) {
    return {
      kind: "divergence",
      type: "measure_bitmaps_presence_divergence",
      evidence: {
        ...evidence,
        summary: `instar ${"bitmaps" in mi ? "prints" : "omits"} "bitmaps" where qemu-img ${"bitmaps" in mq ? "prints" : "omits"} it.`,
        differingPaths: ["/bitmaps"]
      }
    };
  }
  return { kind: "pass" };
}
async function selfConsistency(plan, { dir, source, tools }) {
  const details = { source: source.spec };
  const m = await instarMeasure(plan, source, tools);
  const fault = instarCrashOrHang(m, details);
  if (fault) return fault;
  if (!succeeded(m)) return { kind: "skip", reason: "instar declined to measure" };
  const doc = jsonObject(m.stdout);
  const fully = doc?.["fully-allocated"];
  if (!doc || typeof doc.required !== "number" || typeof fully !== "number") {
    return {
      kind: "divergence",
      type: "measure_json_parse_failure",
      evidence: {
        summary: 'instar measure did not print integer "required" and "fully-allocated".',
        instar: callRecord(m),
        details
      }
    };
  }
  const out = path10.join(dir, `instar-meas.${plan.target}`);
  const c = await tools.instar(["convert", "-O", plan.target, source.instarPath, out]);
  const convertFault = instarCrashOrHang(c, details);
  if (convertFault) return convertFault;
  if (!succeeded(c)) return { kind: "skip", reason: "instar declined to convert" };
  const written = await stat3(out).catch(() => null);
  if (written === null) {
    return {
      kind: "divergence",
      type: "measure_missing_output",
      evidence: {
        summary: `instar convert -O ${plan.target} reported success but wrote no file.`,
        instar: callRecord(c),
        details
      }
    };
  }
  const actual = written.size;
  const cushion = Math.max(1 << 20, Math.floor(fully / 16));
  if (actual <= fully + cushion) return { kind: "pass" };
  return {
    kind: "divergence",
    type: "measure_above_fully_allocated_bound",
    evidence: {
      summary: `instar's ${plan.target} convert wrote ${actual} bytes, above its own fully-allocated figure ${fully} plus a ${cushion}-byte cushion.`,
      instar: callRecord(m),
      details: {
        ...details,
        required: doc.required,
        fullyAllocated: fully,
        convertActualSize: actual,
        cushion
      }
    }
  };
}
var measure = {
  name: "measure",
  readsSource: true,
  knobs: {},
  pick: (draw) => ({
    target: draw.knob("target", ["raw", "qcow2", "vmdk", "vpc", "vhdx"]),
    knobs: {}
  }),
  withKnobs: (plan) => plan,
  run: (plan, ctx) => plan.target === "raw" || plan.target === "qcow2" ? againstReference(plan, ctx) : selfConsistency(plan, ctx)
};

// src/fuzz/operations/rebase.ts
import { copyFile as copyFile2, mkdir as mkdir3 } from "node:fs/promises";
import path11 from "node:path";
var REBASE_MODES = ["safe", "unsafe"];
var REBASE_BACKINGS = ["next", "same", "detach"];
var REBASE_KNOBS = {
  mode: { values: REBASE_MODES, default: "safe" },
  backing: { values: REBASE_BACKINGS, default: "next" },
  ...chainKnobSchema([512, 4096, 65536, 262144])
};
function pickRebase(draw) {
  const overlaySize = draw.choice(["1M", "4M", "64M"]);
  const newBackingSize = draw.choice(["1M", "4M", "64M"]);
  const backing = draw.knob("backing", REBASE_BACKINGS, [2, 1, 1]);
  const mode = draw.knob("mode", REBASE_MODES);
  const knobs = { mode, backing, ...drawChainKnobs(draw, REBASE_KNOBS.cluster_size.values) };
  const writes = {
    base: { offset: draw.choice([0, 65536, 524288]), length: 65536, byte: draw.int(1, 85) },
    next: { offset: draw.choice([0, 262144, 524288]), length: 65536, byte: draw.int(86, 170) },
    overlay: { offset: draw.choice([0, 65536, 589824]), length: 4096, byte: draw.int(171, 255) }
  };
  return { target: "qcow2", knobs, overlaySize, newBackingSize, writes };
}
async function writeData(tools, file, w) {
  await fixture("write fixture data", tools.qemuIo(qemuIoWriteArgs("qcow2", [w], file)));
}
async function buildChains2(plan, dirs, tools) {
  const { backing } = plan.knobs;
  const options = chainOptions(plan.knobs);
  const create3 = (file, size, backing2) => createImage(tools, `create ${path11.basename(file)}`, {
    format: "qcow2",
    file,
    size,
    options,
    backing: backing2
  });
  for (const d of dirs) await mkdir3(d);
  const [first, ...others] = dirs;
  const baseSize = backing === "same" ? plan.newBackingSize : plan.overlaySize;
  const leaves = backing === "next" ? ["base.qcow2", "next.qcow2"] : ["base.qcow2"];
  await create3(path11.join(first, "base.qcow2"), baseSize);
  await writeData(tools, path11.join(first, "base.qcow2"), plan.writes.base);
  if (backing === "next") {
    await create3(path11.join(first, "next.qcow2"), plan.newBackingSize);
    await writeData(tools, path11.join(first, "next.qcow2"), plan.writes.next);
  }
  for (const d of others)
    for (const leaf of leaves) await copyFile2(path11.join(first, leaf), path11.join(d, leaf));
  for (const d of dirs) {
    const overlay = path11.join(d, "overlay.qcow2");
    await create3(overlay, plan.overlaySize, path11.join(d, "base.qcow2"));
    await writeData(tools, overlay, plan.writes.overlay);
  }
}
function rebaseArgs(plan, sideDir) {
  const { backing, mode } = plan.knobs;
  const newBacking = backing === "detach" ? "" : path11.join(sideDir, backing === "same" ? "base.qcow2" : "next.qcow2");
  return [
    "-f",
    "qcow2",
    "-b",
    newBacking,
    ...mode === "unsafe" ? ["-u"] : [],
    ...backing === "detach" ? [] : ["-F", "qcow2"],
    path11.join(sideDir, "overlay.qcow2")
  ];
}
var rebase = {
  name: "rebase",
  readsSource: false,
  knobs: REBASE_KNOBS,
  pick: (draw) => pickRebase(draw),
  withKnobs: (plan, knobs) => ({ ...plan, knobs }),
  async run(plan, { dir, tools }) {
    const instarDir = path11.join(dir, "instar");
    const qemuDir = path11.join(dir, "qemu");
    await buildChains2(plan, [qemuDir, instarDir], tools);
    const details = {
      overlaySize: plan.overlaySize,
      newBackingSize: plan.newBackingSize,
      writes: plan.writes
    };
    const i = await tools.instar(["rebase", ...rebaseArgs(plan, instarDir)]);
    const q = await tools.qemuImg(["rebase", ...rebaseArgs(plan, qemuDir)]);
    const exits = compareRuns(i, q, "the rebase", details);
    if (exits) return exits;
    const instarOverlay = path11.join(instarDir, "overlay.qcow2");
    const qemuOverlay = path11.join(qemuDir, "overlay.qcow2");
    const readback = await compareReadback(
      tools,
      "rebase",
      "qcow2",
      { path: instarOverlay, replace: [[instarDir, "$DIR"]], call: i },
      { path: qemuOverlay, replace: [[qemuDir, "$DIR"]], call: q },
      details
    );
    if (readback.kind !== "pass") return readback;
    return compareContent(tools, "rebase", "qcow2", instarOverlay, qemuOverlay, details, {
      instar: i,
      qemu: q
    });
  }
};

// src/fuzz/operations/repair.ts
import { copyFile as copyFile3 } from "node:fs/promises";
import path12 from "node:path";

// src/fuzz/qcow2-corrupt.ts
import { open as open3 } from "node:fs/promises";
var REPAIR_CORRUPTIONS = [
  "refcount_zero",
  "refcount_too_high",
  "leaked_cluster",
  "stale_copied",
  "overlapping"
];
var QCOW2_MAGIC2 = 1363560955;
var HEADER_BYTES2 = 104;
var OFFSET_MASK = 0x00fffffffffffe00n;
var OFLAG_COPIED = 1n << 63n;
async function readU64(fh, at) {
  const b = Buffer.alloc(8);
  await fh.read(b, 0, 8, at);
  return b.readBigUInt64BE(0);
}
async function writeU64(fh, at, value) {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(value);
  await fh.write(b, 0, 8, at);
}
function failed(message2) {
  return new FixtureError("corrupt qcow2", void 0, message2);
}
async function corruptQcow2(file, corruption) {
  const fh = await open3(file, "r+");
  try {
    const header2 = Buffer.alloc(HEADER_BYTES2);
    await fh.read(header2, 0, HEADER_BYTES2, 0);
    if (header2.readUInt32BE(0) !== QCOW2_MAGIC2) throw failed("not a qcow2 image");
    const clusterSize = 2 ** header2.readUInt32BE(20);
    const l1Size = header2.readUInt32BE(36);
    const l1Offset = Number(header2.readBigUInt64BE(40));
    const refTableOffset = Number(header2.readBigUInt64BE(48));
    if (l1Size === 0) throw failed("the L1 table is empty");
    const l2Offset = Number(await readU64(fh, l1Offset) & OFFSET_MASK);
    if (l2Offset === 0) throw failed("L1[0] is unallocated");
    const entryAt = (i) => l2Offset + i * 8;
    const l2 = [await readU64(fh, entryAt(0)), await readU64(fh, entryAt(1))];
    const host = (entry2) => Number(entry2 & OFFSET_MASK);
    if (host(l2[0]) === 0) throw failed("L2[0] is unallocated");
    const setRefcount = async (offset, value) => {
      const index = Math.floor(offset / clusterSize);
      const perBlock = clusterSize / 2;
      const block = Number(await readU64(fh, refTableOffset + Math.floor(index / perBlock) * 8));
      if (block === 0) throw failed(`no refcount block covers offset ${offset}`);
      const b = Buffer.alloc(2);
      b.writeUInt16BE(value);
      await fh.write(b, 0, 2, block + index % perBlock * 2);
    };
    switch (corruption) {
      case "refcount_zero":
        await setRefcount(host(l2[0]), 0);
        return { corruption, dataOffset: host(l2[0]) };
      case "refcount_too_high":
        await writeU64(fh, entryAt(0), l2[0] & ~OFLAG_COPIED);
        await setRefcount(host(l2[0]), 2);
        return { corruption, dataOffset: host(l2[0]) };
      case "leaked_cluster":
        await writeU64(fh, entryAt(0), 0n);
        return { corruption, dataOffset: host(l2[0]) };
      case "stale_copied": {
        const i = host(l2[1]) !== 0 ? 1 : 0;
        await writeU64(fh, entryAt(i), l2[i] | OFLAG_COPIED);
        await setRefcount(host(l2[i]), 2);
        return { corruption, dataOffset: host(l2[i]) };
      }
      case "overlapping":
        await writeU64(fh, entryAt(1), l2[0]);
        return { corruption, dataOffset: host(l2[0]) };
    }
  } finally {
    await fh.close();
  }
}

// src/fuzz/operations/repair.ts
var REPAIR_TIERS = ["leaks", "all"];
var REPAIR_CLUSTER_SIZES = [512, 4096, 65536];
var REPAIR_KNOBS = {
  corruption: { values: REPAIR_CORRUPTIONS, default: "refcount_zero" },
  tier: { values: REPAIR_TIERS, default: "all" },
  cluster_size: { values: REPAIR_CLUSTER_SIZES, default: 65536 }
};
var REPAIR_WRITES = [
  { offset: 0, length: 65536, byte: 170 },
  { offset: 65536, length: 65536, byte: 187 },
  { offset: 131072, length: 65536, byte: 204 },
  { offset: 196608, length: 65536, byte: 221 }
];
function pickRepair(draw) {
  const cluster_size = draw.knob("cluster_size", REPAIR_CLUSTER_SIZES);
  const corruption = draw.knob("corruption", REPAIR_CORRUPTIONS);
  const tier = draw.knob("tier", REPAIR_TIERS);
  return { target: "qcow2", knobs: { corruption, tier, cluster_size } };
}
async function metricsOf(tools, file) {
  const result = await tools.qemuImg(["check", "--output=json", file]);
  return { metrics: result.timedOut ? null : parseCheckMetrics(result.stdout), result };
}
var repair = {
  name: "repair",
  readsSource: false,
  knobs: REPAIR_KNOBS,
  pick: (draw) => pickRepair(draw),
  withKnobs: (plan, knobs) => ({ ...plan, knobs }),
  async run(plan, { dir, tools }) {
    const qemuPath = path12.join(dir, "repair-qemu.qcow2");
    const instarPath = path12.join(dir, "repair-instar.qcow2");
    const { corruption, tier, cluster_size: clusterSize } = plan.knobs;
    let details = { corruption, tier, clusterSize };
    await createImage(tools, "create image", {
      format: "qcow2",
      file: qemuPath,
      size: "1M",
      options: [`cluster_size=${clusterSize}`]
    });
    await fixture(
      "write data",
      tools.qemuIo(["-f", "qcow2", ...qemuIoWrites(REPAIR_WRITES), qemuPath])
    );
    const damage = await corruptQcow2(qemuPath, corruption);
    details = { ...details, dataOffset: damage.dataOffset };
    const baseline = await metricsOf(tools, qemuPath);
    if (baseline.metrics === null) {
      return {
        kind: "inconclusive",
        type: "inconclusive_repair_no_baseline",
        evidence: {
          summary: `qemu-img check gave no counters for the corrupted image (${describeEnd(baseline.result)}).`,
          qemu: callRecord(baseline.result),
          details
        }
      };
    }
    const orig = baseline.metrics;
    details = { ...details, orig };
    await copyFile3(qemuPath, instarPath);
    const i = await tools.instar(["check", `--repair=${tier}`, "--output", "json", instarPath]);
    const q = await tools.qemuImg(["check", "-r", tier, qemuPath]);
    const exits = compareExits(i, q, details, false);
    if (exits) return exits;
    const after = await metricsOf(tools, instarPath);
    const reference = await metricsOf(tools, qemuPath);
    if (after.result.timedOut || reference.metrics === null) {
      const r = after.result.timedOut ? after.result : reference.result;
      return {
        kind: "inconclusive",
        type: "inconclusive_reference_check",
        evidence: {
          summary: `qemu-img check gave no counters for a repaired image (${describeEnd(r)}).`,
          qemu: callRecord(r),
          details
        }
      };
    }
    const mq = reference.metrics;
    const mi = after.metrics;
    const evidence = (summary) => ({
      summary,
      instar: callRecord(i),
      qemu: callRecord(after.result),
      instarOutput: mi ?? after.result.stdout,
      qemuOutput: mq,
      details: { ...details, qemuRepair: callRecord(q) }
    });
    if (mi === null)
      return {
        kind: "divergence",
        type: "repair_safety_divergence",
        evidence: evidence(
          `qemu-img check cannot read the image instar repaired (${describeEnd(after.result)}).`
        )
      };
    if (mi.checkErrors > 0 || mi.corruptions > orig.corruptions || mi.leaks > orig.leaks)
      return {
        kind: "divergence",
        type: "repair_safety_divergence",
        evidence: evidence(
          `instar's repair left the image worse: ${mi.corruptions} corruptions, ${mi.leaks} leaks, ${mi.checkErrors} check errors (before: ${orig.corruptions}, ${orig.leaks}, ${orig.checkErrors}).`
        )
      };
    const report = parseJson(i.stdout);
    const flag = report?.["repair-incomplete"];
    const incomplete = typeof flag === "boolean" ? flag : null;
    if (incomplete === null && succeeded(i))
      return {
        kind: "divergence",
        type: "repair_json_parse_failure",
        evidence: evidence(
          'instar check --repair --output json succeeded without a JSON report carrying a boolean "repair-incomplete".'
        )
      };
    if (tier === "all" && incomplete === false && !isClean(mi))
      return {
        kind: "divergence",
        type: "repair_completeness_divergence",
        evidence: evidence(
          `instar says its repair at tier all is complete, but qemu-img check still finds ${mi.corruptions} corruptions and ${mi.leaks} leaks (qemu-img's own repair leaves ${mq.corruptions} and ${mq.leaks}).`
        )
      };
    if (isClean(mi) && isClean(mq)) {
      return compareContent(tools, "repair", "qcow2", instarPath, qemuPath, details);
    }
    if (incomplete === true && isClean(mq) && !isClean(mi))
      return {
        kind: "inconclusive",
        type: "inconclusive_repair_conservative",
        evidence: evidence(
          `instar declined to finish the repair (repair-incomplete) that qemu-img's tier ${tier} completes.`
        )
      };
    return { kind: "pass" };
  }
};

// src/fuzz/operations/resize.ts
import path13 from "node:path";
var RESIZE_TARGETS = ["qcow2", "raw"];
var RESIZE_CLUSTER_SIZES = [512, 4096, 65536, 262144];
var PREALLOCATIONS2 = [null, "off", "falloc", "full"];
var RESIZE_KNOBS = {
  ...qcow2KnobSchema(RESIZE_CLUSTER_SIZES),
  preallocation: { values: PREALLOCATIONS2, default: null },
  resize: { values: ["grow", "shrink"], default: "grow" },
  size_form: { values: ["absolute", "relative"], default: "absolute" }
};
function seedOptions(plan) {
  return optionsOf(plan.knobs, ["cluster_size", "extended_l2", "lazy_refcounts", "refcount_bits"]);
}
function resizeArgs(plan, file) {
  const { preallocation, resize: direction } = plan.knobs;
  return [
    "-f",
    plan.target,
    ...direction === "shrink" ? ["--shrink"] : [],
    ...preallocation ? ["--preallocation", preallocation] : [],
    file,
    plan.endSpec
  ];
}
function preallocatingSizes(rng) {
  const startSize = rng.choice(["1M", "4M"]);
  let endSpec = rng.choice(["4M", "8M", "16M"]);
  if (parseSize(endSpec) === parseSize(startSize)) endSpec = "16M";
  return { startSize, endSpec };
}
function plainSizes(rng, starts, absEnds, fallback, adds) {
  const startSize = rng.choice(starts);
  const form = rng.choice(["abs", "add", "sub"]);
  if (form === "abs") {
    let endSpec2 = rng.choice(absEnds);
    if (parseSize(endSpec2) === parseSize(startSize)) endSpec2 = fallback;
    return { startSize, endSpec: endSpec2, form: "absolute" };
  }
  let endSpec;
  if (form === "add") endSpec = rng.choice(adds);
  else if (parseSize(startSize) > 1 << 20) endSpec = rng.choice(["-512K", "-1M"]);
  else endSpec = "+63M";
  return { startSize, endSpec, form: "relative" };
}
function preallocates(p) {
  return p === "falloc" || p === "full";
}
function shapeOf(startSize, endSpec) {
  const start = parseSize(startSize);
  return {
    resize: resolveResize(start, endSpec) < start ? "shrink" : "grow",
    size_form: /^[+-]/.test(endSpec) ? "relative" : "absolute"
  };
}
function endFor(startSize, shape) {
  const start = parseSize(startSize);
  if (shape.size_form === "relative") return shape.resize === "grow" ? "+1M" : "-512K";
  if (shape.resize === "grow") return `${Math.ceil(2 * start / (1 << 20))}M`;
  return `${Math.max(1, Math.floor(start / 2 / 1024))}K`;
}
function withResizeKnobs(plan, knobs) {
  if (plan.target === "qcow2") {
    if (!validQcow2(knobs)) return null;
    if (knobs.extended_l2 && !["off", null].includes(knobs.preallocation)) return null;
  }
  const drawn = shapeOf(plan.startSize, plan.endSpec);
  const same = drawn.resize === knobs.resize && drawn.size_form === knobs.size_form;
  if (preallocates(knobs.preallocation)) {
    if (knobs.resize !== "grow" || knobs.size_form !== "absolute") return null;
    if (parseSize(plan.startSize) > 4 << 20) return null;
  }
  const endSpec = same ? plan.endSpec : endFor(plan.startSize, knobs);
  if (parseSize(plan.startSize) === resolveResize(parseSize(plan.startSize), endSpec)) return null;
  return { ...plan, knobs, endSpec };
}
function pickResize(draw) {
  const target = draw.knob("target", RESIZE_TARGETS);
  const qcow2 = target === "qcow2" ? drawQcow2Knobs(draw, RESIZE_CLUSTER_SIZES) : void 0;
  const preallocation = qcow2?.extended_l2 ? draw.knob("preallocation", [null, "off"]) : draw.knob("preallocation", PREALLOCATIONS2);
  let sizes;
  if (preallocates(preallocation)) {
    sizes = preallocatingSizes(draw);
  } else if (target === "qcow2") {
    sizes = plainSizes(
      draw,
      ["1M", "4M", "16M", "256M"],
      ["4M", "16M", "64M", "256M", "1G"],
      "1G",
      ["+1M", "+15M", "+63M", "+256M"]
    );
  } else {
    sizes = plainSizes(draw, ["1M", "4M", "16M", "64M"], ["4M", "16M", "64M", "256M"], "256M", [
      "+1M",
      "+15M",
      "+63M"
    ]);
  }
  const knobs = { ...qcow2 ?? {}, preallocation, ...shapeOf(sizes.startSize, sizes.endSpec) };
  return { target, knobs, ...sizes };
}
var resize = {
  name: "resize",
  readsSource: false,
  knobs: RESIZE_KNOBS,
  pick: (draw) => pickResize(draw),
  withKnobs: withResizeKnobs,
  async run(plan, { dir, tools }) {
    const instarPath = path13.join(dir, `resize-instar.${plan.target}`);
    const qemuPath = path13.join(dir, `resize-qemu.${plan.target}`);
    for (const file of [instarPath, qemuPath])
      await createImage(tools, "create seed image", {
        format: plan.target,
        file,
        size: plan.startSize,
        options: seedOptions(plan)
      });
    const details = { startSize: plan.startSize, endSpec: plan.endSpec };
    const i = await tools.instar(["resize", ...resizeArgs(plan, instarPath)]);
    const q = await tools.qemuImg(["resize", ...resizeArgs(plan, qemuPath)]);
    const exits = compareRuns(i, q, "the resize", details);
    if (exits) return exits;
    return compareReadback(
      tools,
      "resize",
      plan.target,
      { path: instarPath, call: i },
      { path: qemuPath, call: q },
      details
    );
  }
};

// src/fuzz/operations/snapshot.ts
import { copyFile as copyFile4 } from "node:fs/promises";
import path14 from "node:path";

// src/fuzz/file-compare.ts
import { open as open4 } from "node:fs/promises";
var CHUNK = 1 << 20;
async function readAt(fh, buf, length, position) {
  let done = 0;
  while (done < length) {
    const { bytesRead } = await fh.read(buf, done, length - done, position + done);
    if (bytesRead === 0) break;
    done += bytesRead;
  }
  return buf.subarray(0, done);
}
async function compareFileBytes(instarPath, qemuPath) {
  const [fi, fq] = await Promise.all([open4(instarPath, "r"), open4(qemuPath, "r")]);
  try {
    const [si, sq] = await Promise.all([fi.stat(), fq.stat()]);
    const instarLength = si.size;
    const qemuLength = sq.size;
    const common = Math.min(instarLength, qemuLength);
    const bi = Buffer.alloc(CHUNK);
    const bq = Buffer.alloc(CHUNK);
    for (let at = 0; at < common; at += CHUNK) {
      const n = Math.min(CHUNK, common - at);
      const [ci, cq] = await Promise.all([readAt(fi, bi, n, at), readAt(fq, bq, n, at)]);
      if (!ci.equals(cq)) {
        let k = 0;
        while (k < n && ci[k] === cq[k]) k++;
        return {
          kind: "prefix_mismatch",
          offset: at + k,
          instarByte: ci[k],
          qemuByte: cq[k],
          instarLength,
          qemuLength
        };
      }
    }
    const side = instarLength > qemuLength ? "instar" : "qemu";
    const longer = side === "instar" ? fi : fq;
    const end = Math.max(instarLength, qemuLength);
    for (let at = common; at < end; at += CHUNK) {
      const chunk = await readAt(longer, bi, Math.min(CHUNK, end - at), at);
      const k = chunk.findIndex((b) => b !== 0);
      if (k >= 0) return { kind: "nonzero_tail", side, offset: at + k, instarLength, qemuLength };
    }
    return null;
  } finally {
    await Promise.all([fi.close(), fq.close()]);
  }
}

// src/util/qemu-version.ts
function parseQemuVersion(text) {
  const firstLine2 = text.split("\n")[0].trim();
  const m = /version\s+(\d+)\.(\d+)(?:\.(\d+))?/.exec(text);
  if (!m) return { major: 0, minor: 0, patch: 0, text: firstLine2 };
  return { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3] ?? 0), text: firstLine2 };
}
function qemuAtLeast(v, major, minor = 0) {
  return v.major > major || v.major === major && v.minor >= minor;
}

// src/fuzz/operations/snapshot.ts
var SNAPSHOT_NAME_POOL = [
  "alpha",
  "beta",
  "gamma",
  "2",
  "snap with spaces",
  "sn\xE4p-\u540D\u524D",
  "L".repeat(255)
];
var SNAPSHOT_MAX_LIVE = 16;
var SNAPSHOT_CLUSTER_SIZES = [512, 4096, 65536];
var SNAPSHOT_KNOBS = {
  cluster_size: { values: SNAPSHOT_CLUSTER_SIZES, default: 65536 },
  compat: { values: ["1.1", "0.10"], default: "1.1" },
  extended_l2: { values: [false, true], default: false },
  backing: { values: [false, true], default: false }
};
var SMALL_CLUSTER_SIZE = "4M";
function validSnapshot(k, size) {
  if (k.extended_l2 && (k.cluster_size !== 65536 || k.compat !== "1.1")) return false;
  return k.cluster_size !== 512 || size === SMALL_CLUSTER_SIZE;
}
var FLAGS = { create: "-c", delete: "-d", apply: "-a" };
function pickWrite(rng, sizeBytes) {
  const length = rng.choice([4096, 65536, 131072]);
  const offset = Math.floor(rng.int(0, sizeBytes - length) / 4096) * 4096;
  return { kind: "write", offset, length, byte: rng.int(1, 255) };
}
function pickArg(rng, live) {
  let choices = ["no-such-snapshot", String(rng.int(1, 20))];
  if (live.length > 0) {
    const entry2 = rng.choice(live);
    const id = String(entry2.id);
    choices = [entry2.name, entry2.name, entry2.name, id, id, ...choices];
  }
  return rng.choice(choices);
}
function pickSnapshot(rng) {
  const clusterSize = rng.knob("cluster_size", SNAPSHOT_CLUSTER_SIZES);
  const compat = rng.knob("compat", SNAPSHOT_KNOBS.compat.values);
  const extendedL2 = clusterSize === 65536 && compat === "1.1" && rng.knob("extended_l2", [false, true], [7, 3]);
  const size = clusterSize === 512 ? SMALL_CLUSTER_SIZE : rng.choice(["4M", "16M", "64M"]);
  const sizeBytes = parseSize(size);
  const backing = rng.knob("backing", [false, true], [3, 1]);
  const seedWrites = Array.from({ length: rng.int(0, 2) }, () => pickWrite(rng, sizeBytes));
  const live = [];
  const chain = [];
  const length = rng.int(1, 8);
  for (let k = 0; k < length; k++) {
    const kinds = ["delete", "apply", "write"];
    const kind = live.length < SNAPSHOT_MAX_LIVE ? rng.choice([...kinds, "create", "create", "create"]) : rng.choice(kinds);
    if (kind === "write") {
      chain.push(pickWrite(rng, sizeBytes));
    } else if (kind === "create") {
      const name = rng.choice(SNAPSHOT_NAME_POOL);
      live.push({ id: Math.max(0, ...live.map((e) => e.id)) + 1, name });
      chain.push({ kind, arg: name });
    } else {
      const arg = pickArg(rng, live);
      if (kind === "delete") {
        const at = live.findIndex((e) => e.name === arg);
        if (at >= 0) live.splice(at, 1);
      }
      chain.push({ kind, arg });
    }
  }
  const knobs = { cluster_size: clusterSize, compat, extended_l2: extendedL2, backing };
  return { target: "qcow2", knobs, size, seedWrites, chain };
}
function imageOpts(file) {
  return `driver=qcow2,file.filename=${file.replaceAll(",", ",,")},file.discard=ignore`;
}
function describeElement(e) {
  if (e.kind === "write") return `write of ${e.length} bytes at ${e.offset}`;
  return `${FLAGS[e.kind]} '${e.arg.length > 40 ? `${e.arg.slice(0, 20)}\u2026(${e.arg.length})` : e.arg}'`;
}
function snapshotArgs(element, ...image) {
  return ["snapshot", FLAGS[element.kind], element.arg, ...image];
}
function snapshotImageOptions(k) {
  const options = [`cluster_size=${k.cluster_size}`, `compat=${k.compat}`];
  if (k.extended_l2) options.push("extended_l2=on");
  return options;
}
async function buildImages(plan, dir, tools) {
  const backingPath = path14.join(dir, "snap-backing.qcow2");
  const qemuPath = path14.join(dir, "snap-qemu.qcow2");
  const instarPath = path14.join(dir, "snap-instar.qcow2");
  const k = plan.knobs;
  if (k.backing)
    await createImage(tools, "create backing", {
      format: "qcow2",
      file: backingPath,
      size: plan.size
    });
  await createImage(tools, "create image", {
    format: "qcow2",
    file: qemuPath,
    size: plan.size,
    options: snapshotImageOptions(k),
    backing: k.backing ? backingPath : void 0
  });
  if (plan.seedWrites.length > 0)
    await fixture("seed writes", tools.qemuIo(qemuIoWriteArgs("qcow2", plan.seedWrites, qemuPath)));
  await copyFile4(qemuPath, instarPath);
  return { qemuPath, instarPath };
}
async function writeElement(element, index, images, tools, evidence) {
  await fixture("chain write", tools.qemuIo(qemuIoWriteArgs("qcow2", [element], images.qemuPath)));
  const w = await tools.qemuIo(qemuIoWriteArgs("qcow2", [element], images.instarPath));
  if (succeeded(w)) return null;
  return {
    kind: "divergence",
    type: "snapshot_write_failed",
    evidence: {
      ...evidence(
        `qemu-io cannot write to the image instar left after element ${index} (${describeEnd(w)}), though it writes qemu-img's.`
      ),
      instar: callRecord(w)
    }
  };
}
async function snapshotElement(element, images, tools, last, evidence, details) {
  last.instar = await tools.instar(snapshotArgs(element, images.instarPath));
  last.qemu = await tools.qemuImg(snapshotArgs(element, "--image-opts", imageOpts(images.qemuPath)));
  const exits = compareExits(last.instar, last.qemu, details);
  if (exits) return exits;
  if (element.kind === "apply" || !succeeded(last.instar)) return null;
  const nq = await normaliseSnapshotTable(images.qemuPath);
  if (!nq.ok)
    return {
      kind: "inconclusive",
      type: "inconclusive_reference_snapshot_table",
      evidence: evidence(`qemu-img's snapshot table cannot be walked: ${nq.reason}.`)
    };
  const ni = await normaliseSnapshotTable(images.instarPath);
  if (ni.ok) return null;
  return {
    kind: "divergence",
    type: "snapshot_normalize_failed",
    evidence: evidence(
      `the snapshot table instar wrote cannot be walked after ${describeElement(element)}: ${ni.reason}.`
    )
  };
}
async function sameBytes(element, index, images, evidence) {
  const diff = await compareFileBytes(images.instarPath, images.qemuPath);
  if (!diff) return null;
  const where = diff.kind === "prefix_mismatch" ? `byte ${diff.offset} (instar 0x${diff.instarByte.toString(16)}, qemu-img 0x${diff.qemuByte.toString(16)})` : `a non-zero tail at byte ${diff.offset} of ${diff.side === "instar" ? "instar's" : "qemu-img's"} longer file`;
  return {
    kind: "divergence",
    type: "snapshot_byte_divergence",
    evidence: evidence(
      `after element ${index} (${describeElement(element)}) the images differ at ${where}.`,
      { difference: diff }
    )
  };
}
async function sameListing(images, tools, details) {
  if (!qemuAtLeast(tools.qemuVersion, 9, 0)) return { kind: "pass" };
  const li = await tools.instar(["snapshot", "-l", images.instarPath]);
  const lq = await tools.qemuImg(["snapshot", "-l", images.instarPath]);
  const exits = compareExits(li, lq, details);
  if (exits) return exits;
  if (li.stdout === lq.stdout) return { kind: "pass" };
  return {
    kind: "divergence",
    type: "snapshot_list_divergence",
    evidence: {
      summary: "instar snapshot -l prints a different listing from qemu-img snapshot -l.",
      instar: callRecord(li),
      qemu: callRecord(lq),
      instarOutput: li.stdout,
      qemuOutput: lq.stdout,
      details
    }
  };
}
var snapshot = {
  name: "snapshot",
  readsSource: false,
  knobs: SNAPSHOT_KNOBS,
  pick: (rng) => pickSnapshot(rng),
  withKnobs: (plan, knobs) => validSnapshot(knobs, plan.size) ? { ...plan, knobs } : null,
  async run(plan, { dir, tools }) {
    if (!qemuAtLeast(tools.qemuVersion, 4, 0))
      return {
        kind: "skip",
        reason: `qemu-img ${tools.qemuVersion.text} predates 4.0 snapshot semantics`
      };
    const images = await buildImages(plan, dir, tools);
    const baseOptions = { ...plan.knobs, size: plan.size, seedWrites: plan.seedWrites };
    const last = {};
    for (const [index, element] of plan.chain.entries()) {
      const details = { elementIndex: index, element, chain: plan.chain, baseOptions };
      const evidence = (summary, extra = {}) => ({
        summary,
        instar: last.instar && callRecord(last.instar),
        qemu: last.qemu && callRecord(last.qemu),
        details: { ...details, ...extra }
      });
      const stepped = element.kind === "write" ? await writeElement(element, index, images, tools, evidence) : await snapshotElement(element, images, tools, last, evidence, details);
      const outcome = stepped ?? await sameBytes(element, index, images, evidence);
      if (outcome) return outcome;
    }
    return sameListing(images, tools, { chain: plan.chain, baseOptions });
  }
};

// src/fuzz/operations/index.ts
var OPERATIONS = {
  info,
  check,
  convert,
  convert_compressed: convertCompressed,
  measure,
  create,
  resize,
  amend,
  rebase,
  commit,
  map,
  snapshot,
  repair,
  dd
};
function operation(name) {
  const op = OPERATIONS[name];
  if (!op) throw new Error(`operation '${name}' is not implemented`);
  return op;
}

// src/fuzz/case.ts
var CASE_SCHEMA = 1;
function caseOf(name, plan, source) {
  return operation(name).readsSource ? { operation: name, plan, source } : { operation: name, plan };
}
function opOf(c) {
  return operation(c.operation);
}
function formatIsKnob(c) {
  return c.source !== void 0 && !opOf(c).targetIsSourceFormat;
}
function caseKnobs(c) {
  return c.source ? { ...c.plan.knobs, ...sourceKnobs(c.source, formatIsKnob(c)) } : c.plan.knobs;
}
function caseDomains(c) {
  const domains = {};
  const own = opOf(c).knobs;
  for (const key of Object.keys(caseKnobs(c)))
    domains[key] = own[key] ?? SOURCE_KNOBS[key];
  return domains;
}
function caseOptions(c) {
  return optionsOf(caseKnobs(c));
}
function withCaseKnobs(c, knobs) {
  const op = opOf(c);
  const own = {};
  const source = {};
  for (const [key, value] of Object.entries(knobs)) {
    if (key in c.plan.knobs) own[key] = value;
    else source[key] = value;
  }
  const spec = c.source && withSourceKnobs(c.source, source);
  if (c.source && !spec) return null;
  const plan = op.withKnobs(c.plan, own, spec ?? void 0);
  if (!plan) return null;
  return spec ? { operation: c.operation, plan, source: spec } : { operation: c.operation, plan };
}
function caseDimensions(c) {
  const dims = {};
  for (const [key, value] of Object.entries(caseKnobs(c))) dims[key] = knobText(value);
  const size = c.source?.size ?? c.plan.size;
  if (typeof size === "string") dims.size = size;
  return dims;
}
function storedCase(c) {
  return {
    schema: CASE_SCHEMA,
    operation: c.operation,
    plan: c.plan,
    ...c.source ? { source: c.source } : {}
  };
}
function caseFromStored(stored) {
  if (stored.schema !== CASE_SCHEMA) return null;
  if (!OPERATION_NAMES.includes(stored.operation)) return null;
  const name = stored.operation;
  const op = operation(name);
  const source = stored.source;
  if (op.readsSource !== (source !== void 0)) return null;
  const plan = stored.plan;
  if (typeof plan?.target !== "string" || typeof plan.knobs !== "object" || plan.knobs === null)
    return null;
  try {
    if (!op.withKnobs(plan, plan.knobs, source)) return null;
  } catch {
    return null;
  }
  return source ? { operation: name, plan, source } : { operation: name, plan };
}

// src/findings/minimise.ts
async function minimiseKnobs(start, domains, trial, limits) {
  let current = start;
  const kept = Object.keys(start);
  let trials = 0;
  const result = (complete) => ({ knobs: current, kept, trials, complete });
  const attempt = async (key, value) => {
    if (trials >= limits.maxTrials || Date.now() >= limits.until) return null;
    const verdict = await trial({ ...current, [key]: value });
    if (verdict === "invalid") return false;
    trials++;
    if (verdict === "no-time") return null;
    return verdict === "diverges";
  };
  for (let changed = true; changed; ) {
    changed = false;
    for (const key of [...kept]) {
      const domain = domains[key];
      const atDefault = current[key] === domain.default;
      const alternatives = atDefault ? domain.values.filter((v) => v !== domain.default) : [domain.default];
      for (const value of alternatives) {
        const verdict = await attempt(key, value);
        if (verdict === null) return result(false);
        if (!verdict) continue;
        kept.splice(kept.indexOf(key), 1);
        if (!atDefault) {
          current = { ...current, [key]: value };
          changed = true;
        }
        break;
      }
    }
  }
  return result(true);
}
function largestSubset(known, options) {
  const have = new Set(options);
  return known.filter((k) => k.options.every((o) => have.has(o))).sort((a, b) => b.options.length - a.options.length)[0];
}

// src/fuzz/outcome.ts
function noSpace(outcome) {
  return outcome.kind === "inconclusive" && outcome.type === "inconclusive_no_space";
}

// src/fuzz/confirmer.ts
var Confirmer = class {
  constructor(config) {
    this.config = config;
  }
  config;
  families = /* @__PURE__ */ new Map();
  byCase = /* @__PURE__ */ new Map();
  cost = { confirmRuns: 0, minimiseRuns: 0, attributed: 0, skippedKnownHangs: 0 };
  now() {
    return (this.config.now ?? Date.now)();
  }
  /**
   * The finding a diverging case belongs to. `queued` says the decision
   * waits behind another of the same family: the caller need not wait for
   * it (its worker can go on fuzzing) but must collect it before the end.
   */
  resolve(type, c, evidence) {
    const exact = fingerprint(type, c.operation, c.plan.target, caseOptions(c));
    const seen = this.byCase.get(exact);
    if (seen) {
      this.cost.attributed++;
      return {
        resolution: seen.then((r) => r.kind === "finding" ? { ...r, rerun: false } : r),
        queued: true
      };
    }
    const family = this.family(familyKey(type, c));
    const queued = family.busy > 0;
    family.busy++;
    const resolution = family.chain.then(() => this.decide(family, type, c, evidence)).finally(() => family.busy--);
    family.chain = resolution.catch(() => void 0);
    this.byCase.set(exact, resolution);
    void resolution.then(
      (r) => r.kind === "flaky" && this.byCase.delete(exact),
      () => this.byCase.delete(exact)
    );
    return { resolution, queued };
  }
  /**
   * The fingerprint of a hang already found and minimised whose minimal
   * case this case contains (same operation and target, its options a
   * subset), or null. Running such a case again would only wait out the
   * timeout to learn what is known; the campaign skips it and counts it.
   */
  knownHang(c) {
    const family = this.families.get(familyKey("instar_timeout", c));
    return (family && largestSubset(family.known, caseOptions(c))?.fingerprint) ?? null;
  }
  family(key) {
    let f = this.families.get(key);
    if (!f) {
      f = { known: [], chain: Promise.resolve(), busy: 0 };
      this.families.set(key, f);
    }
    return f;
  }
  async decide(family, type, c, evidence) {
    const options = caseOptions(c);
    const known = largestSubset(family.known, options);
    if (known) {
      this.cost.attributed++;
      return { kind: "finding", identity: known, rerun: false };
    }
    const drawn = (status, confirmed, ev = evidence) => ({
      kind: "finding",
      identity: identity(type, c, options, status, ev, confirmed, {
        confirm: confirmed ? 1 : 0,
        minimise: 0
      }),
      rerun: confirmed
    });
    if (this.now() >= this.config.newWorkUntil) return drawn("unminimised", false);
    const again = await this.confirm(type, c);
    if (again === "gone") return { kind: "flaky", summary: evidence.summary };
    if (again === "no-time") return drawn("unminimised", false);
    if (!this.config.minimize) return drawn("as-drawn", true, again.evidence);
    const found = await this.minimise(type, c, again.evidence);
    if (found.identity.status === "minimised") family.known.push(found.identity);
    return { kind: "finding", identity: found.identity, rerun: true };
  }
  /** Re-runs the case alone; a hang with every other worker paused. */
  async confirm(type, c) {
    const quiet = FINDING_TYPES[type].confirmation === "quiet";
    try {
      this.cost.confirmRuns++;
      const outcome = quiet ? await this.config.exclusive(() => this.config.run(c)) : await this.config.run(c);
      if (outcome.kind === "divergence" && outcome.type === type)
        return { evidence: outcome.evidence };
      return noSpace(outcome) ? "no-time" : "gone";
    } catch (error) {
      if (error instanceof Stopped || isNoSpace(error)) return "no-time";
      throw error;
    }
  }
  /** Minimises a confirmed case within the finding's budget. */
  async minimise(type, c, confirmed) {
    const evidenceOf = /* @__PURE__ */ new Map([[keyOf(caseKnobs(c)), confirmed]]);
    const trial = async (knobs) => {
      const candidate = withCaseKnobs(c, knobs);
      if (!candidate) return "invalid";
      try {
        this.cost.minimiseRuns++;
        const outcome = await this.config.run(candidate);
        if (noSpace(outcome)) return "no-time";
        if (outcome.kind !== "divergence" || outcome.type !== type) return "gone";
        evidenceOf.set(keyOf(knobs), outcome.evidence);
        return "diverges";
      } catch (error) {
        if (error instanceof Stopped || isNoSpace(error)) return "no-time";
        throw error;
      }
    };
    const limits = {
      maxTrials: this.config.maxTrials,
      until: Math.min(this.config.deadline, this.now() + this.config.maxSeconds * 1e3)
    };
    const m = await minimiseKnobs(caseKnobs(c), caseDomains(c), trial, limits);
    const minimal = withCaseKnobs(c, m.knobs) ?? c;
    const options = optionsOf(m.knobs, m.kept);
    const status = m.complete ? "minimised" : "unminimised";
    const ev = evidenceOf.get(keyOf(m.knobs)) ?? confirmed;
    const drawnOptions = caseOptions(c);
    if (options.join(" ") !== drawnOptions.join(" ") || !m.complete)
      this.config.log(
        `${m.complete ? "minimised" : "could not finish minimising"} ${c.operation} ${type}: [${drawnOptions.join(" ")}] \u2192 [${options.join(" ")}] in ${m.trials} runs`
      );
    return {
      identity: identity(type, minimal, options, status, ev, true, {
        confirm: 1,
        minimise: m.trials
      })
    };
  }
};
function familyKey(type, c) {
  return `${type}|${c.operation}|${c.plan.target}`;
}
function keyOf(knobs) {
  return JSON.stringify(Object.entries(knobs).sort(([a], [b]) => a.localeCompare(b)));
}
function identity(type, c, options, status, evidence, confirmed, runs) {
  return {
    fingerprint: fingerprint(type, c.operation, c.plan.target, options),
    type,
    operation: c.operation,
    target: c.plan.target,
    options,
    status,
    case: storedCase(c),
    evidence,
    confirmed,
    runs
  };
}

// src/fuzz/draw.ts
function weightedChoice(rng, values, weights) {
  if (values.length === 0) throw new Error("a draw from an empty list");
  const total = weights.reduce((a, w) => a + w, 0);
  let at = rng.random() * total;
  for (let i = 0; i < values.length; i++) {
    at -= weights[i];
    if (at < 0) return values[i];
  }
  return values[values.length - 1];
}
function drawFrom(rng, steer) {
  return {
    random: () => rng.random(),
    int: (min, max) => rng.int(min, max),
    choice: (items) => rng.choice(items),
    knob(key, values, weights) {
      const base = weights ?? values.map(() => 1);
      const steered = steer ? base.map((w, i) => w * steer(key, values[i])) : base;
      return weightedChoice(rng, values, steered);
    }
  };
}

// src/fuzz/rng.ts
var import_seedrandom = __toESM(require_seedrandom2(), 1);
function rngOver(random) {
  return {
    random,
    int: (min, max) => min + Math.floor(random() * (max - min + 1)),
    choice: (items) => {
      if (items.length === 0) throw new Error("choice() from an empty list");
      return items[Math.floor(random() * items.length)];
    }
  };
}
function iterationRng(masterSeed, iteration) {
  const prng = (0, import_seedrandom.default)(`instar-diff-fuzz:${masterSeed}:${iteration}`);
  return rngOver(() => prng.double());
}
function randomMasterSeed() {
  return Math.floor(Math.random() * 2 ** 32);
}
function globalIteration(k, shardIndex, shardCount) {
  return k * shardCount + (shardIndex - 1);
}

// src/fuzz/coverage-space.ts
var valueText = knobText;
function caseCells(c) {
  const entries = [["target", c.plan.target]];
  for (const [key, value] of Object.entries(caseKnobs(c))) entries.push([key, valueText(value)]);
  return cellsOf(entries);
}
function findingCells(target, options) {
  return cellsOf([["target", target], ...options.map(splitValue)]);
}
var SIZE_STREAMS = 6;
function sizeStream(seed) {
  let a = Math.imul(seed + 1, 2654435769) >>> 0;
  const random = () => {
    a = a + 1831565813 >>> 0;
    let t = a;
    t = Math.imul(t ^ t >>> 15, t | 1);
    t ^= t + Math.imul(t ^ t >>> 7, t | 61);
    return ((t ^ t >>> 14) >>> 0) / 4294967296;
  };
  return { ...rngOver(random), mix: (n) => void (a = Math.imul(a ^ n + 1, 2246822507) >>> 0) };
}
function walkingDraw(prefix, queue, stream) {
  const sizes = sizeStream(stream);
  const taken = [];
  return {
    random: sizes.random,
    int: sizes.int,
    choice: sizes.choice,
    knob(_key, values, weights) {
      const open5 = values.flatMap((_, i) => weights && !(weights[i] > 0) ? [] : [i]);
      const depth = taken.length;
      if (depth >= prefix.length) for (let j = 1; j < open5.length; j++) queue.push([...taken, j]);
      const pick = depth < prefix.length ? prefix[depth] : 0;
      taken.push(pick);
      sizes.mix(pick);
      return values[open5[Math.min(pick, open5.length - 1)]];
    }
  };
}
function walkOperation(name, into) {
  const op = operation(name);
  for (let stream = 0; stream < SIZE_STREAMS; stream++) {
    const queue = [[]];
    while (queue.length > 0) {
      const draw = walkingDraw(queue.pop(), queue, stream);
      const source = drawSource(op.readsSource ? draw : drawFrom(sizeStream(~stream)));
      const plan = op.pick(draw, source);
      if (!plan) continue;
      const cells = caseCells(caseOf(name, plan, source));
      for (const v of cells.values) into.values.add(v);
      for (const p of cells.pairs) into.pairs.add(p);
    }
  }
}
var spaces = /* @__PURE__ */ new Map();
function coverageSpace(names = OPERATION_NAMES) {
  const out = {};
  for (const name of names) {
    if (!spaces.has(name)) {
      const found = { values: /* @__PURE__ */ new Set(), pairs: /* @__PURE__ */ new Set() };
      walkOperation(name, found);
      spaces.set(name, { values: [...found.values].sort(), pairs: [...found.pairs].sort() });
    }
    out[name] = spaces.get(name);
  }
  return out;
}
function coverageDomain() {
  const known = /* @__PURE__ */ new Map();
  for (const [name, cells] of Object.entries(coverageSpace())) {
    const op = operation(name);
    const keys = /* @__PURE__ */ new Map();
    const domains = [
      ...op.readsSource ? Object.entries(SOURCE_KNOBS) : [],
      ...Object.entries(op.knobs)
    ];
    for (const [key, domain] of domains)
      keys.set(key, new Set(domain.values.map((v) => valueText(v))));
    const targets = cells.values.filter((c) => c.startsWith("target=")).map((c) => splitValue(c)[1]);
    keys.set("target", new Set(targets));
    known.set(name, keys);
  }
  return {
    operations: OPERATION_NAMES,
    value: (name, key, value) => known.get(name)?.get(key)?.has(value) ?? false
  };
}

// src/fuzz/iteration.ts
import { mkdir as mkdir4, mkdtemp as mkdtemp2, rm as rm2 } from "node:fs/promises";
import path15 from "node:path";
function planIteration(seed, iteration, pool, steering) {
  const rng = iterationRng(seed, iteration);
  const source = drawSource(drawFrom(rng, steering?.("source")));
  const count2 = rng.int(2, 4);
  const names = Array.from({ length: count2 }, () => rng.choice(pool));
  const steps = names.map((name) => ({
    operation: name,
    plan: operation(name).pick(drawFrom(rng, steering?.(name)), source)
  }));
  return { seed, iteration, source, steps };
}
function stepCase(plan, step) {
  return caseOf(step.operation, step.plan, plan.source);
}
var MIN_FREE_BYTES = 256 * 1024 * 1024;
async function lowOnSpace(root, least) {
  const free = await freeBytes(root);
  if (free >= least) return null;
  return `the work folder ${root} has ${Math.floor(free / 2 ** 20)} MiB free (less than ${Math.floor(least / 2 ** 20)} MiB)`;
}
async function unlessDiskFull(outcome, root, least) {
  if (outcome.kind !== "divergence") return outcome;
  const low = await lowOnSpace(root, least);
  if (!low) return outcome;
  return {
    kind: "inconclusive",
    type: "inconclusive_no_space",
    evidence: {
      ...outcome.evidence,
      summary: `${outcome.type} seen with the work folder nearly full (${low}): nothing was decided.`
    }
  };
}
async function guarded(run) {
  try {
    return await run();
  } catch (error) {
    if (error instanceof Stopped) throw error;
    if (error instanceof FixtureError) {
      return {
        kind: "inconclusive",
        type: error.result && outOfSpace(error.result) ? "inconclusive_no_space" : "inconclusive_fixture_failed",
        evidence: {
          summary: `the reference tools could not build the fixture (${error.step}): ${error.message}`,
          qemu: error.result ? callRecord(error.result) : void 0
        }
      };
    }
    const e = error instanceof Error ? error : new Error(String(error));
    return {
      kind: "inconclusive",
      type: "harness_error",
      evidence: { summary: `the harness failed: ${e.message}`, details: { stack: e.stack } }
    };
  }
}
var SourceCache = class {
  constructor(spec, dir, tools) {
    this.spec = spec;
    this.dir = dir;
    this.tools = tools;
  }
  spec;
  dir;
  tools;
  built;
  get() {
    const spec = this.spec;
    if (!spec) throw new Error("an operation that reads a source got a case without one");
    this.built ??= mkdtemp2(path15.join(this.dir, "source-")).then(
      (d) => buildSource(spec, d, this.tools)
    );
    return this.built;
  }
  discard() {
    this.built = void 0;
  }
};
async function runStep(op, plan, sources, stepDir, tools, floor) {
  const ran = await guarded(async () => {
    const source = op.readsSource ? await sources.get() : void 0;
    const before = source ? await fileSignature(source.instarPath) : "";
    await mkdir4(stepDir);
    const outcome = await guarded(() => op.run(plan, { dir: stepDir, source, tools }));
    if (!source || await fileSignature(source.instarPath) === before) return outcome;
    sources.discard();
    return {
      kind: "divergence",
      type: "instar_modified_input",
      evidence: {
        summary: `instar ${op.name} modified the ${source.spec.format} image it was only asked to read.`,
        details: { source: source.spec, outcome: outcome.kind === "pass" ? "pass" : outcome }
      }
    };
  });
  return floor ? unlessDiskFull(ran, floor.root, floor.minFreeBytes) : ran;
}
async function runCase(c, root, tools, minFreeBytes) {
  const dir = await mkdtemp2(path15.join(root, `case-${c.operation}-`));
  const floor = minFreeBytes === void 0 ? void 0 : { root, minFreeBytes };
  try {
    const sources = new SourceCache(c.source, dir, tools);
    const stepDir = path15.join(dir, "step");
    return await runStep(operation(c.operation), c.plan, sources, stepDir, tools, floor);
  } finally {
    await rm2(dir, { recursive: true, force: true });
  }
}
async function runIteration(plan, root, tools, onStep2, guard, skip, minFreeBytes) {
  const dir = await mkdtemp2(path15.join(root, `iter-${plan.iteration}-`));
  const floor = { root, minFreeBytes };
  try {
    const sources = new SourceCache(plan.source, dir, tools);
    for (const [index, step] of plan.steps.entries()) {
      if (step.plan === null) continue;
      const stepped = stepCase(plan, { operation: step.operation, plan: step.plan });
      if (skip(stepped)) continue;
      const started = performance.now();
      const stepDir = path15.join(dir, `step-${index}`);
      const op = operation(step.operation);
      const outcome = await guard(() => runStep(op, step.plan, sources, stepDir, tools, floor));
      await onStep2({
        step: index,
        case: stepped,
        outcome,
        seconds: (performance.now() - started) / 1e3
      });
    }
  } finally {
    await rm2(dir, { recursive: true, force: true });
  }
}

// src/fuzz/quiet-gate.ts
var QuietGate = class {
  running = 0;
  held = false;
  waiters = [];
  /** Runs `task` alongside other shared tasks (blocked while one runs alone). */
  async shared(task) {
    while (this.held) await this.wait();
    this.running++;
    try {
      return await task();
    } finally {
      this.running--;
      this.wake();
    }
  }
  /** Runs `task` once nothing else runs, holding new shared tasks back. */
  async exclusive(task) {
    while (this.held) await this.wait();
    this.held = true;
    try {
      while (this.running > 0) await this.wait();
      return await task();
    } finally {
      this.held = false;
      this.wake();
    }
  }
  wait() {
    return new Promise((resolve) => this.waiters.push(resolve));
  }
  wake() {
    const waiting = this.waiters;
    this.waiters = [];
    for (const resolve of waiting) resolve();
  }
};

// src/findings/campaign-result.ts
var SAMPLES_PER_TYPE = 5;
function keepSample(kept, sample) {
  if (kept.filter((k) => k.type === sample.type).length < SAMPLES_PER_TYPE) kept.push(sample);
}

// src/fuzz/tally.ts
var Tally = class {
  stats = {};
  byType = {};
  samples = [];
  findings = /* @__PURE__ */ new Map();
  diverged = 0;
  constructor(operations) {
    for (const name of operations)
      this.stats[name] = { runs: 0, divergences: 0, inconclusive: 0, seconds: 0 };
  }
  /** An operation ran (whatever it concluded). */
  ran(operation2, seconds) {
    this.stats[operation2].runs++;
    this.stats[operation2].seconds += seconds;
  }
  inconclusive(type, operation2, at, summary) {
    this.stats[operation2].inconclusive++;
    this.byType[type] = (this.byType[type] ?? 0) + 1;
    keepSample(this.samples, { type, operation: operation2, seed: at.seed, iteration: at.iteration, summary });
  }
  /**
   * A divergence resolved to the finding it belongs to; true when it is the
   * first of that fingerprint. The finding keeps the identity it was first
   * seen with, every occurrence's place and dimensions, and the full
   * evidence of the first few.
   */
  occurrence(identity2, occurrence) {
    this.stats[identity2.operation].divergences++;
    this.diverged++;
    let finding = this.findings.get(identity2.fingerprint);
    const first = finding === void 0;
    if (!finding) {
      finding = { ...identity2, occurrences: [] };
      this.findings.set(identity2.fingerprint, finding);
    }
    finding.occurrences.push(keptOccurrence(occurrence, finding.occurrences.length));
    return first;
  }
  get divergences() {
    return this.diverged;
  }
  get inconclusiveTotal() {
    return Object.values(this.byType).reduce((a, b) => a + b, 0);
  }
  get findingCount() {
    return this.findings.size;
  }
  /** The counts as the campaign result has them; findings most frequent first. */
  result() {
    return {
      operations: this.stats,
      divergences: this.diverged,
      inconclusive: { total: this.inconclusiveTotal, byType: { ...this.byType } },
      inconclusiveSamples: [...this.samples],
      // Most frequent first: the summary leads with them and max-new-issues files them first.
      findings: [...this.findings.values()].sort(
        (a, b) => b.occurrences.length - a.occurrences.length
      )
    };
  }
};

// src/fuzz/toolbox.ts
import path16 from "node:path";
function instarEnv(qemuImg, base = process.env) {
  const env = {};
  for (const [k, v] of Object.entries(base)) if (v !== void 0) env[k] = v;
  env.PATH = [path16.dirname(qemuImg), base.PATH ?? ""].filter(Boolean).join(path16.delimiter);
  env.LC_ALL = "C";
  return env;
}
var OUTPUT_CAP = 4 * 1024 * 1024;
function createToolbox(config) {
  const spawns = /* @__PURE__ */ new Map();
  const escapes = { count: 0 };
  const floods = { count: 0 };
  const outputCap = config.outputCap ?? OUTPUT_CAP;
  const env = instarEnv(config.paths.qemuImg);
  const call2 = async (file, args, options = {}) => {
    if (Date.now() >= config.deadline) throw new DeadlineReached();
    const name = path16.basename(file);
    spawns.set(name, (spawns.get(name) ?? 0) + 1);
    const r = await runTool(file, args, {
      cwd: options.cwd,
      env,
      timeoutMs: config.timeoutMs,
      outputCap,
      signal: config.signal
    });
    const { printed, escaped } = r;
    if (printed) {
      floods.count++;
      floods.first ??= `${name} ${args.join(" ")}: ${printed.stdout.toLocaleString("en-US")} bytes on stdout, ${printed.stderr.toLocaleString("en-US")} on stderr`;
    }
    if (escaped) {
      escapes.count++;
      escapes.first ??= `${name} ${args.join(" ")}: ${escaped.map((e) => `pid ${e.pid} (${e.command})`).join(", ")}`;
    }
    return r;
  };
  return {
    paths: config.paths,
    qemuVersion: config.qemuVersion,
    spawns,
    escapes,
    floods,
    libyal: config.libyal,
    instar: (args, o) => call2(config.paths.instar, args, o),
    qemuImg: (args, o) => call2(config.paths.qemuImg, args, o),
    qemuIo: (args, o) => call2(config.paths.qemuIo, args, o),
    external: (file, args, o) => call2(file, args, o)
  };
}

// src/fuzz/worker-pool.ts
async function runPool(config) {
  const now = config.now ?? Date.now;
  let next = 0;
  let completed = 0;
  let cutShort = 0;
  const worker = async () => {
    while (!config.signal?.aborted && now() < config.deadline) {
      const k = next++;
      if (k >= config.limit) return;
      try {
        await config.run(k);
        completed++;
      } catch (error) {
        if (!(error instanceof Stopped)) throw error;
        cutShort++;
        return;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, config.jobs) }, worker));
  const stoppedBy = config.signal?.aborted ? "cancelled" : next >= config.limit && now() < config.deadline ? "iterations" : "duration";
  return { completed, cutShort, stoppedBy };
}

// src/fuzz/campaign.ts
var MINIMISE_TRIALS = 32;
function reserveSeconds(durationSeconds, timeoutSeconds) {
  if (!Number.isFinite(durationSeconds)) return 0;
  return Math.min(durationSeconds / 4, Math.max(durationSeconds / 10, 4 * timeoutSeconds));
}
async function instarVersion(tools) {
  try {
    const r = await tools.instar(["--version"]);
    const line2 = r.stdout.trim().split("\n")[0];
    return r.exitCode === 0 && line2 ? line2 : "unknown";
  } catch {
    return "unknown";
  }
}
var NoSpace = class extends Stopped {
};
function outOfSpace2(run, reason) {
  if (!run.noSpace) {
    run.noSpace = `${reason}: no more iterations were started; what was found is kept`;
    run.log(`stopping: ${run.noSpace}`);
  }
  return run.noSpace;
}
function floorOf(config) {
  return config.minFreeBytes ?? MIN_FREE_BYTES;
}
async function ensureSpace(run) {
  if (run.noSpace) throw new NoSpace(run.noSpace);
  const low = await lowOnSpace(run.config.workRoot, floorOf(run.config));
  if (low) throw new NoSpace(outOfSpace2(run, low));
}
function record(run, r, it, resolution) {
  const op = r.case.operation;
  if (resolution.kind === "flaky") {
    run.log(
      `iteration ${it.iteration}: ${op} ${r.outcome.type} did not reproduce when re-run alone (counted as inconclusive_flaky)`
    );
    run.tally.inconclusive(
      "inconclusive_flaky",
      op,
      it,
      `${r.outcome.type} did not reproduce: ${resolution.summary}`
    );
    return;
  }
  const { identity: identity2 } = resolution;
  countDivergence(run.coverage, op, findingCells(identity2.target, identity2.options));
  const fresh = run.tally.occurrence(identity2, {
    seed: it.seed,
    iteration: it.iteration,
    step: r.step,
    originalOptions: caseOptions(r.case),
    dimensions: caseDimensions(r.case),
    confirmed: resolution.rerun,
    evidence: r.outcome.evidence,
    versions: run.versions
  });
  if (fresh)
    run.log(
      `NEW FINDING ${identity2.fingerprint}: ${identity2.type} in ${op} ${identity2.target} [${identity2.options.join(" ")}]${identity2.status === "unminimised" ? " (unminimised)" : ""} (seed ${it.seed}, iteration ${it.iteration}): ${r.outcome.evidence.summary}`
    );
}
function onStep(run, it) {
  return async (r) => {
    const op = r.case.operation;
    run.tally.ran(op, r.seconds);
    countRun(run.coverage, op, caseCells(r.case), run.startedAt);
    const outcome = r.outcome;
    if (noSpace(outcome))
      outOfSpace2(run, `a tool ran out of disk space in the work folder ${run.config.workRoot}`);
    if (outcome.kind === "inconclusive")
      return run.tally.inconclusive(outcome.type, op, it, outcome.evidence.summary);
    if (outcome.kind !== "divergence") return;
    const diverging = { ...r, outcome };
    const { resolution, queued } = run.confirmer.resolve(outcome.type, r.case, outcome.evidence);
    const counted = resolution.then((res) => record(run, diverging, it, res));
    if (queued) run.deferred.push(counted);
    else await counted;
  };
}
function startProgress(run, started, deadline, completed) {
  const every = (run.config.progressEverySeconds ?? 30) * 1e3;
  const timer = setInterval(() => {
    const elapsed2 = (Date.now() - started) / 1e3;
    const rate = completed() / elapsed2 * 60;
    run.log(
      `progress: ${completed()} iterations (${rate.toFixed(1)}/min), ${run.tally.divergences} divergences in ${run.tally.findingCount} findings, ${run.tally.inconclusiveTotal} inconclusive, ${formatDuration((deadline - Date.now()) / 1e3)} left, ${Math.round(process.memoryUsage().rss / 2 ** 20)} MB`
    );
  }, every);
  timer.unref();
  return timer;
}
function skipsKnownHang(run, c) {
  const fp = run.confirmer.knownHang(c);
  if (fp === null) return false;
  run.confirmer.cost.skippedKnownHangs++;
  if (!run.hangsSkipped.has(fp)) {
    run.hangsSkipped.add(fp);
    run.log(`skipping the cases that contain the known hang ${fp}: they would only time out again`);
  }
  return true;
}
async function iterate(run, workRoot, k) {
  const { config } = run;
  await ensureSpace(run);
  const index = config.indices ? config.indices[k] : globalIteration(k, config.shard.index, config.shard.count);
  const plan = planIteration(config.seed, index, config.operations, config.steering);
  try {
    await runIteration(
      plan,
      workRoot,
      run.tools,
      onStep(run, plan),
      (task) => run.gate.shared(task),
      (c) => skipsKnownHang(run, c),
      floorOf(config)
    );
  } catch (error) {
    if (!isNoSpace(error)) throw error;
    throw new NoSpace(
      outOfSpace2(run, `the work folder ${config.workRoot} is full (${error.message})`)
    );
  }
}
async function setUp(config, { started, deadline }, log) {
  const libyal = await detectLibyal();
  for (const line2 of describeLibyal(libyal)) log(line2);
  const tools = createToolbox({
    paths: config.paths,
    qemuVersion: config.qemuVersion,
    timeoutMs: config.timeoutSeconds * 1e3,
    deadline,
    signal: config.signal,
    libyal
  });
  const work = await workFolder(config.workRoot, "work-");
  const workRoot = work.dir;
  const gate = new QuietGate();
  const confirmer = new Confirmer({
    run: (c) => runCase(c, workRoot, tools, floorOf(config)),
    exclusive: (task) => gate.exclusive(task),
    minimize: config.minimize,
    maxTrials: MINIMISE_TRIALS,
    maxSeconds: Math.max(180, 8 * config.timeoutSeconds),
    newWorkUntil: deadline - reserveSeconds(config.durationSeconds, config.timeoutSeconds) * 1e3,
    deadline,
    log
  });
  const run = {
    config,
    tools,
    tally: new Tally([...new Set(config.operations)]),
    confirmer,
    gate,
    versions: { instar: await instarVersion(tools), qemuImg: config.qemuVersion.text },
    coverage: { ...emptyCoverage(), campaigns: 1 },
    startedAt: new Date(started).toISOString(),
    deferred: [],
    hangsSkipped: /* @__PURE__ */ new Set(),
    log
  };
  return { run, work };
}
function toolWarnings(tools) {
  const calls2 = (n) => n === 1 ? "1 tool call" : `${n} tool calls`;
  const cap = OUTPUT_CAP / 2 ** 20;
  const lines = [];
  const { escapes, floods } = tools;
  if (escapes.count > 0)
    lines.push(
      `${calls2(escapes.count)} left a process outside the call's process group holding its output open; the call ended without waiting for it and the process was killed (first: ${escapes.first})`
    );
  if (floods.count > 0)
    lines.push(
      `${calls2(floods.count)} printed more than ${cap} MiB on a stream; the first ${cap} MiB of each stream were kept and the tool was not stopped (first: ${floods.first})`
    );
  return lines;
}
async function runCampaign(config) {
  const log = config.log ?? (() => {
  });
  const started = Date.now();
  const cpuAtStart = cpuSample();
  const deadline = started + config.durationSeconds * 1e3;
  const { run, work } = await setUp(config, { started, deadline }, log);
  let completed = 0;
  const progress = startProgress(run, started, deadline, () => completed);
  const limit = config.indices?.length ?? (config.iterations > 0 ? config.iterations : Infinity);
  let pool;
  try {
    pool = await runPool({
      jobs: config.jobs,
      limit,
      deadline,
      signal: config.signal,
      run: async (k) => {
        await iterate(run, work.dir, k);
        completed++;
      }
    });
    await Promise.all(run.deferred);
  } finally {
    clearInterval(progress);
    await work.remove();
  }
  return {
    seed: config.seed,
    shard: `${config.shard.index}/${config.shard.count}`,
    startedAt: run.startedAt,
    elapsedSeconds: Math.round((Date.now() - started) / 100) / 10,
    iterations: pool.completed,
    cutShort: pool.cutShort,
    ...run.tally.result(),
    versions: run.versions,
    spawns: Object.fromEntries(run.tools.spawns),
    stoppedBy: run.noSpace ? "no-space" : pool.stoppedBy,
    problems: run.noSpace ? [run.noSpace] : [],
    warnings: toolWarnings(run.tools),
    resources: resourceUse(cpuAtStart),
    confirmation: { ...run.confirmer.cost },
    coverage: run.coverage
  };
}

// src/fuzz/repro/files.ts
import { mkdir as mkdir5, mkdtemp as mkdtemp3, rm as rm3, stat as stat4, writeFile } from "node:fs/promises";
import os from "node:os";
import path17 from "node:path";

// src/fuzz/repro/describe.ts
function isWrite(v) {
  return isObject(v) && typeof v.offset === "number" && typeof v.length === "number" && typeof v.byte === "number";
}
function hex(byte) {
  return `0x${byte.toString(16).padStart(2, "0")}`;
}
function writeWords(w) {
  return `${w.length} bytes of ${hex(w.byte)} at offset ${w.offset}`;
}
function detailWords(value) {
  if (isWrite(value))
    return `${isObject(value) && value.kind === "write" ? "write " : ""}${writeWords(value)}`;
  if (Array.isArray(value)) return value.length === 0 ? "none" : value.map(detailWords).join("; ");
  if (isObject(value) && typeof value.kind === "string" && typeof value.arg === "string") {
    const arg = value.arg.length > 40 ? `${value.arg.slice(0, 20)}\u2026(${value.arg.length} characters)` : value.arg;
    return `${value.kind} '${arg}'`;
  }
  if (isObject(value))
    return Object.entries(value).map(([k, v]) => `${k} ${detailWords(v)}`).join(", ");
  return value === null || value === void 0 ? "none" : String(value);
}
function sourceWords(s) {
  const clusters = s.clusterSize ? ` with ${s.clusterSize}-byte clusters` : "";
  const holds = s.pattern === "mbr" ? "an MBR (boot signature and one Linux partition entry at sector 2048), nothing else" : s.writes.length === 0 ? "no data (all zeros)" : `${s.writes.length} write${s.writes.length === 1 ? "" : "s"}: ${s.writes.map(writeWords).join("; ")}`;
  return `source: a ${s.size} ${s.format} image${clusters} (made by qemu-img create), holding ${holds}`;
}
function caseWords(c) {
  const knobs = Object.entries(caseDimensions(c)).filter(([k]) => k !== "size").map(([k, v]) => `${k}=${v}`);
  const details = Object.entries(c.plan).filter(([k]) => k !== "target" && k !== "knobs");
  return [
    ...c.source ? [sourceWords(c.source)] : [],
    `operation: ${c.operation} on a ${c.plan.target} target; knobs: ${knobs.length > 0 ? knobs.join(", ") : "none"}`,
    ...details.map(([k, v]) => `${k}: ${detailWords(v)}`)
  ];
}

// src/fuzz/repro/words.ts
var MARK = "";
function ref(name) {
  return `${MARK}${name}${MARK}`;
}
function word(arg) {
  if (!arg.includes(MARK)) return shellQuote(arg);
  return arg.split(MARK).map((part2, i) => i % 2 === 1 ? `"$${part2}"` : part2 === "" ? "" : shellQuote(part2)).join("");
}
function line(...args) {
  return args.map(word).join(" ");
}
function comment(text) {
  return `# ${text.replace(/[\r\n]+/g, " ")}`.trimEnd();
}

// src/fuzz/repro/piece.ts
var INSTAR = ref("INSTAR");
var QEMU_IMG = ref("QEMU_IMG");
var QEMU_IO = ref("QEMU_IO");
var SRC = ref("SRC");
var STEP = `${ref("W")}/step`;
var QEMU_DIR = `${STEP}/qemu`;
var INSTAR_DIR = `${STEP}/instar`;
var EXIT_TYPES = ["instar_crash", "instar_timeout", "exit_code_divergence"];
function call(name, program, args) {
  return line("call", name, program, ...args);
}
function fixture2(step, name, program, args) {
  return line("fixture", step, name, program, ...args);
}
function inFolder(folder) {
  return folder === "" ? "CWD=" : `CWD=${line(folder)}`;
}
function runsStage(instar, qemu, what, folders) {
  const judge = typeof what === "string" ? line("compare_runs", "i", "q", what) : line("compare_exits", "i", "q", ...what.noparity ? ["noparity"] : []);
  const calls2 = folders ? [
    inFolder(folders[0]),
    call("i", INSTAR, instar),
    inFolder(folders[1]),
    call("q", QEMU_IMG, qemu),
    inFolder("")
  ] : [call("i", INSTAR, instar), call("q", QEMU_IMG, qemu)];
  return { reports: EXIT_TYPES, lines: [...calls2, "show i", "show q", judge] };
}
function libyalStage(spec, type, body, python) {
  const tool = LIBYAL_TOOLS[spec.format];
  if (!tool) return [];
  return [
    {
      reports: [type],
      lines: [
        `if LIBYAL=$(command -v ${line(tool)}); then`,
        ...body(tool).map((l) => `  ${l}`),
        `elif [ "$EXPECTED" = ${type} ]; then`,
        `  inconclusive no_libyal_tool ${line(`${tool} is not on PATH: the libyal cross-check cannot run.`)}`,
        "fi"
      ],
      ...python ? { python } : {}
    }
  ];
}
function contentStage(prefix, format, instarFile, qemuFile) {
  const t = CONTENT_TYPES[prefix];
  const missing = t.missing ?? t.unreadable;
  return {
    reports: [t.content, missing, t.unreadable],
    lines: [line("content", t.content, missing, t.unreadable, format, instarFile, qemuFile)]
  };
}
function readbackStage(prefix, target, instarImage, qemuImage, folders = []) {
  return {
    reports: [`${prefix}_info_readback_failure`, `${prefix}_info_divergence`],
    lines: [line("readback", prefix, target, instarImage, qemuImage, ...folders)],
    python: ["readback"]
  };
}

// src/fuzz/repro/operations/amend.ts
var paths = [`${STEP}/amend-instar.qcow2`, `${STEP}/amend-qemu.qcow2`];
var amend2 = {
  fixtures: (plan) => ({
    lines: paths.map(
      (file, k) => fixture2(
        "create image to amend",
        `seed${k}`,
        QEMU_IMG,
        createImageArgs({ format: "qcow2", file, size: "1M", options: amendOptions(plan).create })
      )
    )
  }),
  stages: (plan) => [
    runsStage(
      ["amend", ...amendArgs(plan, paths[0])],
      ["amend", ...amendArgs(plan, paths[1])],
      "the amendment"
    ),
    readbackStage("amend", "qcow2", ...paths),
    {
      reports: ["amend_check_divergence"],
      lines: [line("check_clean", "amend", paths[0])],
      python: ["check"]
    }
  ]
};

// src/fuzz/repro/operations/check.ts
function libyalCheckStage(spec) {
  return libyalStage(spec, "libyal_check_divergence", (tool) => [
    "end_of i",
    'if [ "$TO" = 0 ] && [ "$RC" -le 128 ] && [ "$RC" != 63 ]; then',
    "  case $RC in 0 | 3) INSTAR_OK=1 ;; *) INSTAR_OK=0 ;; esac",
    '  call libyal "$LIBYAL" "$SRC"',
    "  show libyal",
    '  if timed_out libyal || { end_of libyal && [ "$RC" -gt 128 ]; }; then',
    `    inconclusive inconclusive_external_timeout "${tool} $(ended libyal); libyal gave no answer."`,
    "  fi",
    "  if ok libyal; then LIBYAL_OK=1; else LIBYAL_OK=0; fi",
    '  if [ "$INSTAR_OK" = 1 ] && [ "$LIBYAL_OK" = 0 ]; then',
    `    inconclusive inconclusive_libyal_outlier "${tool} cannot open the ${spec.format} image qemu-img wrote and instar checks clean ($(ended libyal))."`,
    '  elif [ "$INSTAR_OK" = 0 ] && [ "$LIBYAL_OK" = 1 ]; then',
    `    diverged libyal_check_divergence "instar check rejects the ${spec.format} image ($(ended i)) that ${tool} reads without complaint."`,
    "  fi",
    "fi"
  ]);
}
var check2 = {
  fixtures: () => ({ lines: [] }),
  stages: (plan, source) => [
    runsStage(["check", SRC], ["check", SRC], { noparity: plan.target !== "qcow2" }),
    ...libyalCheckStage(source)
  ]
};

// src/fuzz/repro/operations/commit.ts
function chainLines(plan) {
  const options = chainOptions(plan.knobs);
  const base = `${QEMU_DIR}/base.qcow2`;
  const overlay = `${QEMU_DIR}/overlay.qcow2`;
  const size = plan.overlaySize;
  return [
    line("mkdir", QEMU_DIR, INSTAR_DIR),
    fixture2(
      "create base",
      "create.base",
      QEMU_IMG,
      createImageArgs({ format: "qcow2", file: base, size, options })
    ),
    inFolder(QEMU_DIR),
    fixture2(
      "create overlay",
      "create.overlay",
      QEMU_IMG,
      createImageArgs({
        format: "qcow2",
        file: overlay,
        size,
        options: [...options, "backing_file=base.qcow2,backing_fmt=qcow2"]
      })
    ),
    inFolder(""),
    ...plan.knobs.data === "seed-64k" ? [fixture2("seed overlay", "seed", QEMU_IO, qemuIoWriteArgs("qcow2", [SEED_WRITE], overlay))] : [],
    line("cp", base, `${INSTAR_DIR}/base.qcow2`),
    line("cp", overlay, `${INSTAR_DIR}/overlay.qcow2`)
  ];
}
var commit2 = {
  fixtures: (plan) => ({ lines: chainLines(plan) }),
  stages: (plan) => {
    const sides = (file) => [
      `${INSTAR_DIR}/${file}`,
      `${QEMU_DIR}/${file}`
    ];
    const folders = [INSTAR_DIR, QEMU_DIR];
    return [
      runsStage(
        ["commit", ...commitArgs(plan, INSTAR_DIR)],
        ["commit", ...commitArgs(plan, QEMU_DIR)],
        "the commit",
        folders
      ),
      readbackStage("commit_overlay", "qcow2", ...sides("overlay.qcow2"), folders),
      readbackStage("commit_backing", "qcow2", ...sides("base.qcow2"), folders),
      contentStage("commit_backing", "qcow2", ...sides("base.qcow2")),
      {
        reports: ["commit_overlay_map_readback_failure", "commit_overlay_allocation_divergence"],
        lines: [line("allocation", "commit_overlay", "qcow2", ...sides("overlay.qcow2"))],
        python: ["allocation"]
      }
    ];
  }
};

// src/fuzz/repro/operations/convert.ts
var convert2 = {
  fixtures: () => ({ lines: [] }),
  stages: (plan) => {
    const instarOut = `${STEP}/instar-conv.${plan.target}`;
    const qemuOut = `${STEP}/qemu-conv.${plan.target}`;
    return [
      runsStage(
        ["convert", ...convertArgs(plan, "instar", SRC, instarOut)],
        ["convert", ...convertArgs(plan, "qemu-img", SRC, qemuOut)],
        "the conversion"
      ),
      contentStage("convert", plan.target, instarOut, qemuOut)
    ];
  }
};

// src/fuzz/repro/operations/create.ts
var create2 = {
  fixtures: () => ({ lines: [] }),
  stages: (plan) => {
    const instarPath = `${STEP}/create-instar.${plan.target}`;
    const qemuPath = `${STEP}/create-qemu.${plan.target}`;
    return [
      runsStage(createArgs(plan, instarPath), createArgs(plan, qemuPath), "the options"),
      readbackStage("create", plan.target, instarPath, qemuPath)
    ];
  }
};

// src/fuzz/repro/operations/dd.ts
var dd2 = {
  fixtures: () => ({ lines: [] }),
  stages: (plan) => {
    const instarOut = `${STEP}/instar-dd.${plan.target}`;
    const qemuOut = `${STEP}/qemu-dd.${plan.target}`;
    return [
      runsStage(
        ["dd", ...ddOperands(plan, SRC, instarOut)],
        ["dd", ...ddOperands(plan, SRC, qemuOut)],
        "the dd"
      ),
      contentStage("dd", plan.target, instarOut, qemuOut)
    ];
  }
};

// src/fuzz/repro/operations/info.ts
var info2 = {
  fixtures: () => ({ lines: [] }),
  stages: (_plan, source) => [
    runsStage(["info", "--output", "json", SRC], ["info", "--output=json", SRC], "the image"),
    {
      reports: ["info_json_parse_failure", "info_output_divergence"],
      lines: ["judge info i q"],
      python: ["info"]
    },
    // libyalInfoCrossCheck: the libyal reader's size, cluster size and version against instar's.
    ...libyalStage(
      source,
      "libyal_info_divergence",
      (tool) => [
        'call libyal "$LIBYAL" "$SRC"',
        "show libyal",
        `! ok libyal || judge libyal-info ${line(tool)} libyal i q`
      ],
      ["libyal"]
    )
  ]
};

// src/fuzz/repro/operations/map.ts
var map2 = {
  fixtures: () => ({ lines: [] }),
  stages: (plan) => {
    const window2 = windowArgs(plan);
    return [
      runsStage(
        ["map", ...window2, "--output", "json", SRC],
        ["map", ...window2, "--output=json", SRC],
        "to map the image"
      ),
      {
        reports: [
          "map_json_parse_failure",
          "map_json_shape_divergence",
          "map_extent_count_divergence",
          "map_field_divergence"
        ],
        lines: [`judge map ${plan.target} i q`],
        python: ["map"]
      }
    ];
  }
};

// src/fuzz/repro/operations/measure.ts
function againstReference2(plan) {
  return [
    runsStage(
      ["measure", "-O", plan.target, "--output", "json", SRC],
      ["measure", "-O", plan.target, "--output=json", SRC],
      "to measure"
    ),
    {
      reports: [
        "measure_json_parse_failure",
        "measure_numeric_divergence",
        "measure_bitmaps_presence_divergence"
      ],
      lines: ["judge measure i q"],
      python: ["measure"]
    }
  ];
}
function selfConsistency2(plan) {
  const out = `${STEP}/instar-meas.${plan.target}`;
  return [
    {
      reports: ["instar_crash", "instar_timeout", "measure_json_parse_failure"],
      lines: [
        call("m", INSTAR, ["measure", "-O", plan.target, "--output", "json", SRC]),
        "show m",
        "crash_or_hang m",
        "ok m || passed 'instar declined to measure.'",
        "judge measure-promise m"
      ],
      python: ["measure"]
    },
    {
      reports: [
        "instar_crash",
        "instar_timeout",
        "measure_missing_output",
        "measure_above_fully_allocated_bound"
      ],
      lines: [
        call("c", INSTAR, ["convert", "-O", plan.target, SRC, out]),
        "show c",
        "crash_or_hang c",
        "ok c || passed 'instar declined to convert.'",
        `[ -e ${line(out)} ] || diverged measure_missing_output ${line(`instar convert -O ${plan.target} reported success but wrote no file.`)}`,
        line("judge", "measure-bound", "m", plan.target, out)
      ],
      python: ["measure"]
    }
  ];
}
var measure2 = {
  fixtures: () => ({ lines: [] }),
  stages: (plan) => plan.target === "raw" || plan.target === "qcow2" ? againstReference2(plan) : selfConsistency2(plan)
};

// src/fuzz/repro/operations/rebase.ts
function chainLines2(plan) {
  const { backing } = plan.knobs;
  const options = chainOptions(plan.knobs);
  const create3 = (file, size, backingFile) => fixture2(
    `create ${file.split("/").pop()}`,
    `create.${file.split("/").slice(-2).join(".")}`,
    QEMU_IMG,
    createImageArgs({ format: "qcow2", file, size, options, backing: backingFile })
  );
  const write = (file, w) => fixture2(
    "write fixture data",
    `write.${file.split("/").slice(-2).join(".")}`,
    QEMU_IO,
    qemuIoWriteArgs("qcow2", [w], file)
  );
  const baseSize = backing === "same" ? plan.newBackingSize : plan.overlaySize;
  const leaves = backing === "next" ? ["base.qcow2", "next.qcow2"] : ["base.qcow2"];
  const lines = [
    line("mkdir", QEMU_DIR, INSTAR_DIR),
    create3(`${QEMU_DIR}/base.qcow2`, baseSize),
    write(`${QEMU_DIR}/base.qcow2`, plan.writes.base)
  ];
  if (backing === "next")
    lines.push(
      create3(`${QEMU_DIR}/next.qcow2`, plan.newBackingSize),
      write(`${QEMU_DIR}/next.qcow2`, plan.writes.next)
    );
  lines.push(...leaves.map((leaf) => line("cp", `${QEMU_DIR}/${leaf}`, `${INSTAR_DIR}/${leaf}`)));
  for (const d of [QEMU_DIR, INSTAR_DIR])
    lines.push(
      create3(`${d}/overlay.qcow2`, plan.overlaySize, `${d}/base.qcow2`),
      write(`${d}/overlay.qcow2`, plan.writes.overlay)
    );
  return lines;
}
var rebase2 = {
  fixtures: (plan) => ({ lines: chainLines2(plan) }),
  stages: (plan) => {
    const instarOverlay = `${INSTAR_DIR}/overlay.qcow2`;
    const qemuOverlay = `${QEMU_DIR}/overlay.qcow2`;
    return [
      runsStage(
        ["rebase", ...rebaseArgs(plan, INSTAR_DIR)],
        ["rebase", ...rebaseArgs(plan, QEMU_DIR)],
        "the rebase"
      ),
      readbackStage("rebase", "qcow2", instarOverlay, qemuOverlay, [INSTAR_DIR, QEMU_DIR]),
      contentStage("rebase", "qcow2", instarOverlay, qemuOverlay)
    ];
  }
};

// src/fuzz/repro/operations/repair.ts
var QEMU = ref("Q");
var INSTAR_IMAGE = ref("I");
var repair2 = {
  fixtures: (plan) => ({
    lines: [
      `Q=${line(`${STEP}/repair-qemu.qcow2`)}`,
      `I=${line(`${STEP}/repair-instar.qcow2`)}`,
      fixture2(
        "create image",
        "create",
        QEMU_IMG,
        createImageArgs({
          format: "qcow2",
          file: QEMU,
          size: "1M",
          options: [`cluster_size=${plan.knobs.cluster_size}`]
        })
      ),
      fixture2("write data", "write", QEMU_IO, qemuIoWriteArgs("qcow2", REPAIR_WRITES, QEMU)),
      line("judge", "corrupt", QEMU, plan.knobs.corruption)
    ],
    python: ["corrupt"]
  }),
  stages: (plan) => {
    const tier = plan.knobs.tier;
    return [
      {
        reports: ["instar_crash", "instar_timeout"],
        lines: [
          call("baseline", QEMU_IMG, ["check", "--output=json", QEMU]),
          "show baseline",
          "judge repair-baseline baseline",
          'cp "$Q" "$I"',
          call("i", INSTAR, ["check", `--repair=${tier}`, "--output", "json", INSTAR_IMAGE]),
          call("q", QEMU_IMG, ["check", "-r", tier, QEMU]),
          "show i",
          "show q",
          // Exit statuses of a repair are not compared; crashes and hangs are.
          "compare_exits i q noparity"
        ],
        python: ["check"]
      },
      {
        reports: [
          "repair_safety_divergence",
          "repair_json_parse_failure",
          "repair_completeness_divergence"
        ],
        lines: [
          call("after", QEMU_IMG, ["check", "--output=json", INSTAR_IMAGE]),
          call("reference", QEMU_IMG, ["check", "--output=json", QEMU]),
          line("judge", "repair", tier, "baseline", "i", "after", "reference")
        ],
        python: ["check"]
      },
      contentStage("repair", "qcow2", INSTAR_IMAGE, QEMU)
    ];
  }
};

// src/fuzz/repro/operations/resize.ts
var paths2 = (plan) => [
  `${STEP}/resize-instar.${plan.target}`,
  `${STEP}/resize-qemu.${plan.target}`
];
var resize2 = {
  fixtures: (plan) => ({
    lines: paths2(plan).map(
      (file, k) => fixture2(
        "create seed image",
        `seed${k}`,
        QEMU_IMG,
        createImageArgs({
          format: plan.target,
          file,
          size: plan.startSize,
          options: seedOptions(plan)
        })
      )
    )
  }),
  stages: (plan) => {
    const [instarPath, qemuPath] = paths2(plan);
    return [
      runsStage(
        ["resize", ...resizeArgs(plan, instarPath)],
        ["resize", ...resizeArgs(plan, qemuPath)],
        "the resize"
      ),
      readbackStage("resize", plan.target, instarPath, qemuPath)
    ];
  }
};

// src/fuzz/repro/operations/snapshot.ts
var BACKING = `${STEP}/snap-backing.qcow2`;
var QEMU2 = ref("Q");
var INSTAR_IMAGE2 = ref("I");
function imageLines(plan) {
  const k = plan.knobs;
  return [
    'qemu_at_least 4 0 || passed "qemu-img $(qemu_version) predates 4.0 snapshot semantics."',
    `Q=${line(`${STEP}/snap-qemu.qcow2`)}`,
    `I=${line(`${STEP}/snap-instar.qcow2`)}`,
    // qemu-img's side runs without discard, as instar never discards the clusters a snapshot frees.
    `QOPTS="driver=qcow2,file.filename=$(printf '%s' "$Q" | sed 's/,/,,/g'),file.discard=ignore"`,
    ...k.backing ? [
      fixture2(
        "create backing",
        "create.backing",
        QEMU_IMG,
        createImageArgs({ format: "qcow2", file: BACKING, size: plan.size })
      )
    ] : [],
    fixture2(
      "create image",
      "create.image",
      QEMU_IMG,
      createImageArgs({
        format: "qcow2",
        file: QEMU2,
        size: plan.size,
        options: snapshotImageOptions(k),
        backing: k.backing ? BACKING : void 0
      })
    ),
    ...plan.seedWrites.length > 0 ? [fixture2("seed writes", "seed", QEMU_IO, qemuIoWriteArgs("qcow2", plan.seedWrites, QEMU2))] : [],
    'cp "$Q" "$I"'
  ];
}
function elementLines(e, index) {
  const n = `e${index}`;
  const words = describeElement(e);
  if (e.kind === "write") {
    return [
      fixture2("chain write", `${n}-q`, QEMU_IO, qemuIoWriteArgs("qcow2", [e], QEMU2)),
      call(`${n}-i`, QEMU_IO, qemuIoWriteArgs("qcow2", [e], INSTAR_IMAGE2)),
      `ok ${n}-i || { show ${n}-i; diverged snapshot_write_failed "qemu-io cannot write to the image instar left after element ${index} ($(ended ${n}-i)), though it writes qemu-img's."; }`
    ];
  }
  const tables = e.kind === "apply" ? [] : [
    `if ok ${n}-i; then`,
    `  ${line("judge", "snapshot-table", "qemu", QEMU2, words)}`,
    `  ${line("judge", "snapshot-table", "instar", INSTAR_IMAGE2, words)}`,
    "fi"
  ];
  return [
    call(`${n}-i`, INSTAR, snapshotArgs(e, INSTAR_IMAGE2)),
    call(`${n}-q`, QEMU_IMG, snapshotArgs(e, "--image-opts", ref("QOPTS"))),
    `show ${n}-i`,
    `show ${n}-q`,
    `compare_exits ${n}-i ${n}-q`,
    ...tables
  ];
}
function chainStage(plan) {
  return {
    reports: [
      ...EXIT_TYPES,
      "snapshot_write_failed",
      "snapshot_normalize_failed",
      "snapshot_byte_divergence"
    ],
    lines: plan.chain.flatMap((e, index) => [
      `# element ${index}: ${describeElement(e).replace(/[\r\n]/g, " ")}`,
      ...elementLines(e, index),
      line("judge", "same-bytes", INSTAR_IMAGE2, QEMU2, String(index), describeElement(e))
    ]),
    python: ["snapshot-table", "same-bytes"]
  };
}
var LISTING = {
  reports: [...EXIT_TYPES, "snapshot_list_divergence"],
  lines: [
    "if qemu_at_least 9 0; then",
    '  call list-i "$INSTAR" snapshot -l "$I"',
    '  call list-q "$QEMU_IMG" snapshot -l "$I"',
    "  show list-i",
    "  show list-q",
    "  compare_exits list-i list-q",
    '  cmp -s "$W/list-i.out" "$W/list-q.out" || diverged snapshot_list_divergence "instar snapshot -l prints a different listing from qemu-img snapshot -l."',
    "fi"
  ]
};
var snapshot2 = {
  fixtures: (plan) => ({ lines: imageLines(plan) }),
  stages: (plan) => [chainStage(plan), LISTING]
};

// src/fuzz/repro/operations/index.ts
var REPRO_PIECES = {
  info: info2,
  check: check2,
  convert: convert2,
  convert_compressed: convert2,
  measure: measure2,
  create: create2,
  resize: resize2,
  amend: amend2,
  rebase: rebase2,
  commit: commit2,
  map: map2,
  snapshot: snapshot2,
  repair: repair2,
  dd: dd2
};

// src/fuzz/repro/python-core.ts
var PY_CORE = String.raw`# The oracle of instar-diff-fuzz, in python: the harness's normalisers and
# comparisons (src/fuzz/normalise.ts, oracles.ts), reading the calls the
# script made from $W/NAME.out and $W/NAME.end. Each command writes its
# verdict to $W/verdict: next, pass, divergence TYPE or inconclusive TYPE.
import json
import os
import sys

W = os.environ.get('W', '.')
# JSON's "undefined": a key or an element that is not there.
MISSING = type('Missing', (), {'__repr__': lambda self: 'undefined'})()
COMMANDS = {}


def command(name):
    def register(fn):
        COMMANDS[name] = fn
        return fn
    return register


def out(name):
    with open(os.path.join(W, name + '.out'), 'rb') as f:
        return f.read().decode('utf-8', 'replace')


def err(name):
    with open(os.path.join(W, name + '.err'), 'rb') as f:
        return f.read().decode('utf-8', 'replace')


def end(name):
    with open(os.path.join(W, name + '.end')) as f:
        rc, timed_out = f.read().split()
    return int(rc), timed_out == '1'


def succeeded(name):
    return end(name) == (0, False)


def ended(name):
    rc, timed_out = end(name)
    if timed_out:
        return 'timed out'
    return 'killed by signal %d' % (rc - 128) if rc > 128 else 'exit %d' % rc


def verdict(kind, type_='-', why=''):
    with open(os.path.join(W, 'verdict'), 'w') as f:
        f.write('%s %s %s\n' % (kind, type_, ' '.join(why.split())))
    sys.exit(0)


def reject_constant(name):
    raise ValueError(name)


def parse_json(text):
    try:
        return json.loads(text, parse_constant=reject_constant)
    except ValueError:
        return MISSING


def is_number(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def js(v):
    # How JavaScript's String() writes a JSON value in a message.
    if v is MISSING:
        return 'undefined'
    if v is None:
        return 'null'
    if isinstance(v, bool):
        return 'true' if v else 'false'
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return v if isinstance(v, str) else json.dumps(v, separators=(',', ':'))


def plain(v):
    # A value as JSON.stringify keeps it: no undefined keys, undefined elements as null.
    if isinstance(v, dict):
        return {k: plain(x) for k, x in v.items() if x is not MISSING}
    if isinstance(v, list):
        return [None if x is MISSING else plain(x) for x in v]
    return v


def dump(label, value):
    print(label + ' ' + json.dumps(plain(value), indent=2, ensure_ascii=False))


def same(a, b):
    # JavaScript's Object.is on JSON leaves: true and 1 differ, 1 and 1.0 do not.
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if is_number(a) and is_number(b):
        return a == b
    return type(a) is type(b) and a == b


def differing_paths(a, b, limit=8, at=''):
    if isinstance(a, list) and isinstance(b, list):
        paths = []
        for i in range(max(len(a), len(b))):
            if len(paths) >= limit:
                break
            x = a[i] if i < len(a) else MISSING
            y = b[i] if i < len(b) else MISSING
            paths += differing_paths(x, y, limit - len(paths), '%s/%d' % (at, i))
        return paths
    if isinstance(a, dict) and isinstance(b, dict):
        paths = []
        for k in list(a) + [k for k in b if k not in a]:
            if len(paths) >= limit:
                break
            paths += differing_paths(a.get(k, MISSING), b.get(k, MISSING), limit - len(paths), at + '/' + k)
        return paths
    if not isinstance(a, (dict, list)) and not isinstance(b, (dict, list)) and same(a, b):
        return []
    return [at or '/']


def at_path(doc, path):
    for part in [p for p in path.split('/') if p]:
        if isinstance(doc, list) and part.isdigit() and int(part) < len(doc):
            doc = doc[int(part)]
        elif isinstance(doc, dict) and part in doc:
            doc = doc[part]
        else:
            return MISSING
    return doc


def show_differences(instar, qemu, paths):
    for p in paths:
        print('at %s: instar %s, qemu-img %s' % (p, js(at_path(instar, p)), js(at_path(qemu, p))))


def strip_keys(v, keys):
    if isinstance(v, list):
        return [strip_keys(x, keys) for x in v]
    if isinstance(v, dict):
        return {k: strip_keys(x, keys) for k, x in v.items() if k not in keys}
    return v


def replace_strings(v, old, new, substring=False):
    if isinstance(v, str):
        if v == old:
            return new
        return v.replace(old, new) if substring and old != '' else v
    if isinstance(v, list):
        return [replace_strings(x, old, new, substring) for x in v]
    if isinstance(v, dict):
        return {k: replace_strings(x, old, new, substring) for k, x in v.items()}
    return v


def main():
    if sys.argv[1] == 'fn':
        # For the harness's tests: call one function on JSON arguments, print JSON.
        calls = json.load(sys.stdin)
        print(json.dumps([plain(globals()[c[0]](*c[1])) for c in calls]))
        return
    COMMANDS[sys.argv[1]](*sys.argv[2:])
`;
var PY_VIEWS = String.raw`def compare_views(prefix, names, read, verb, view, read_failure, divergence):
    # The shared oracle of qemu-img views (info, map) of both tools' results.
    name_i, name_q = names
    vq = read(name_q) if succeeded(name_q) else MISSING
    if vq is MISSING:
        print(err(name_q))
        verdict('inconclusive', 'inconclusive_reference_readback',
                'qemu-img could not %s its own result (%s).' % (verb, ended(name_q)))
    if not succeeded(name_i):
        print(err(name_i))
        verdict('divergence', read_failure, 'qemu-img cannot %s the image instar wrote (%s): %s'
                % (verb, ended(name_i), err(name_i).strip()[:300]))
    vi = read(name_i)
    if vi is MISSING:
        verdict('divergence', read_failure, 'qemu-img %s on the image instar wrote printed nothing it could read.' % view)
    paths = differing_paths(vi, vq)
    if not paths:
        verdict('next')
    dump("qemu-img %s of instar's result (normalised):" % view, vi)
    dump("qemu-img %s of qemu-img's result (normalised):" % view, vq)
    show_differences(vi, vq, paths)
    verdict('divergence', divergence, "qemu-img %s of instar's result differs from qemu-img's own at %s."
            % (view, ', '.join(paths[:3])))
`;

// src/fuzz/repro/python-images.ts
var PY_CHECK = String.raw`def check_metrics(text):
    d = parse_json(text)
    if not isinstance(d, dict):
        return None

    def count(k):
        return d[k] if is_number(d.get(k)) else 0
    return {'corruptions': count('corruptions'), 'leaks': count('leaks'), 'checkErrors': count('check-errors')}


def clean(m):
    return m['corruptions'] == 0 and m['leaks'] == 0 and m['checkErrors'] == 0


def metrics_of(name):
    return None if end(name)[1] else check_metrics(out(name))


@command('check-clean')
def cmd_check_clean(prefix):
    m = check_metrics(out(prefix + '.check'))
    if m is None:
        verdict('inconclusive', 'inconclusive_reference_check',
                'qemu-img check printed no counters for an image its info reads (%s): %s'
                % (ended(prefix + '.check'), err(prefix + '.check').strip()[:300]))
    if clean(m):
        verdict('next')
    verdict('divergence', prefix + '_check_divergence',
            'qemu-img check finds the image instar left unclean: %s corruptions, %s leaks, %s check errors.'
            % (js(m['corruptions']), js(m['leaks']), js(m['checkErrors'])))


@command('repair-baseline')
def cmd_repair_baseline(name):
    if metrics_of(name) is None:
        verdict('inconclusive', 'inconclusive_repair_no_baseline',
                'qemu-img check gave no counters for the corrupted image (%s).' % ended(name))
    verdict('next')


@command('repair')
def cmd_repair(tier, base, call_i, after, reference):
    orig = metrics_of(base)
    mi = metrics_of(after)
    mq = metrics_of(reference)
    if end(after)[1] or mq is None:
        r = after if end(after)[1] else reference
        verdict('inconclusive', 'inconclusive_reference_check',
                'qemu-img check gave no counters for a repaired image (%s).' % ended(r))
    dump('before the repairs:', orig)
    dump("after instar's repair:", mi)
    dump("after qemu-img's repair:", mq)
    if mi is None:
        verdict('divergence', 'repair_safety_divergence',
                'qemu-img check cannot read the image instar repaired (%s).' % ended(after))
    if mi['checkErrors'] > 0 or mi['corruptions'] > orig['corruptions'] or mi['leaks'] > orig['leaks']:
        verdict('divergence', 'repair_safety_divergence',
                "instar's repair left the image worse: %s corruptions, %s leaks, %s check errors (before: %s, %s, %s)."
                % tuple(js(x) for x in (mi['corruptions'], mi['leaks'], mi['checkErrors'],
                                        orig['corruptions'], orig['leaks'], orig['checkErrors'])))
    report = parse_json(out(call_i))
    flag = report.get('repair-incomplete') if isinstance(report, dict) else None
    incomplete = flag if isinstance(flag, bool) else None
    if incomplete is None and succeeded(call_i):
        verdict('divergence', 'repair_json_parse_failure',
                'instar check --repair --output json succeeded without a JSON report carrying a boolean "repair-incomplete".')
    if tier == 'all' and incomplete is False and not clean(mi):
        verdict('divergence', 'repair_completeness_divergence',
                "instar says its repair at tier all is complete, but qemu-img check still finds %s corruptions and %s leaks (qemu-img's own repair leaves %s and %s)."
                % tuple(js(x) for x in (mi['corruptions'], mi['leaks'], mq['corruptions'], mq['leaks'])))
    if clean(mi) and clean(mq):
        verdict('next')
    if incomplete is True and clean(mq) and not clean(mi):
        verdict('inconclusive', 'inconclusive_repair_conservative',
                "instar declined to finish the repair (repair-incomplete) that qemu-img's tier %s completes." % tier)
    verdict('pass', '-', 'neither repair left a clean image, and instar said so.')
`;
var PY_QCOW2 = String.raw`QCOW2_MAGIC = 0x514649fb
NORMALISED_DATE_SEC = 0x60000000
TABLE_READ_LIMIT = 1 << 20
ENTRY_FIXED_BYTES = 40


def be(data, start, length):
    return int.from_bytes(data[start:start + length], 'big')
`;
var PY_SNAPSHOT_TABLE = String.raw`def normalise_snapshot_table(path):
    # Every snapshot date becomes one instant and the padding before each entry is zeroed,
    # in place; returns why the table cannot be walked, or None.
    with open(path, 'r+b') as f:
        header = f.read(72)
        if len(header) < 72 or be(header, 0, 4) != QCOW2_MAGIC:
            return 'not a qcow2 header'
        count = be(header, 60, 4)
        table_offset = be(header, 64, 8)
        if count == 0:
            return None
        if table_offset == 0:
            return '%d snapshots but no table offset' % count
        f.seek(table_offset)
        table = bytearray(f.read(TABLE_READ_LIMIT))
        read = len(table)
        table += bytes(TABLE_READ_LIMIT - read)
        pos = 0
        for i in range(count):
            aligned = (pos + 7) & ~7
            if aligned > read:
                return 'entry %d starts past the table read' % i
            table[pos:aligned] = bytes(aligned - pos)
            pos = aligned
            if pos + ENTRY_FIXED_BYTES > read:
                return 'entry %d is truncated' % i
            table[pos + 16:pos + 20] = NORMALISED_DATE_SEC.to_bytes(4, 'big')
            table[pos + 20:pos + 24] = bytes(4)
            id_length = be(table, pos + 12, 2)
            name_length = be(table, pos + 14, 2)
            extra = be(table, pos + 36, 4)
            pos += ENTRY_FIXED_BYTES + extra + id_length + name_length
            if pos > read:
                return 'entry %d runs past the table read' % i
        f.seek(table_offset)
        f.write(table[:pos])
    return None


@command('snapshot-table')
def cmd_snapshot_table(side, path, element):
    reason = normalise_snapshot_table(path)
    if reason is None:
        verdict('next')
    if side == 'qemu':
        verdict('inconclusive', 'inconclusive_reference_snapshot_table',
                "qemu-img's snapshot table cannot be walked: %s." % reason)
    verdict('divergence', 'snapshot_normalize_failed',
            'the snapshot table instar wrote cannot be walked after %s: %s.' % (element, reason))
`;
var PY_SAME_BYTES = String.raw`def compare_file_bytes(path_i, path_q):
    # Byte identity, except that the longer file may end in zeros.
    chunk = 1 << 20
    with open(path_i, 'rb') as fi, open(path_q, 'rb') as fq:
        li = os.fstat(fi.fileno()).st_size
        lq = os.fstat(fq.fileno()).st_size
        common = min(li, lq)
        at = 0
        while at < common:
            n = min(chunk, common - at)
            ci = fi.read(n)
            cq = fq.read(n)
            if ci != cq:
                k = next(j for j in range(min(len(ci), len(cq))) if ci[j] != cq[j])
                return {'kind': 'prefix_mismatch', 'offset': at + k, 'instarByte': ci[k], 'qemuByte': cq[k],
                        'instarLength': li, 'qemuLength': lq}
            at += n
        side = 'instar' if li > lq else 'qemu'
        longer = fi if side == 'instar' else fq
        longer.seek(common)
        at = common
        while at < max(li, lq):
            data = longer.read(min(chunk, max(li, lq) - at))
            if not data:
                break
            stripped = data.lstrip(b'\0')
            if stripped:
                return {'kind': 'nonzero_tail', 'side': side, 'offset': at + len(data) - len(stripped),
                        'instarLength': li, 'qemuLength': lq}
            at += len(data)
    return None


@command('same-bytes')
def cmd_same_bytes(path_i, path_q, index, element):
    diff = compare_file_bytes(path_i, path_q)
    if diff is None:
        verdict('next')
    if diff['kind'] == 'prefix_mismatch':
        where = 'byte %d (instar 0x%x, qemu-img 0x%x)' % (diff['offset'], diff['instarByte'], diff['qemuByte'])
    else:
        where = "a non-zero tail at byte %d of %s longer file" % (
            diff['offset'], "instar's" if diff['side'] == 'instar' else "qemu-img's")
    verdict('divergence', 'snapshot_byte_divergence',
            'after element %s (%s) the images differ at %s.' % (index, element, where))
`;
var PY_CORRUPT = String.raw`OFFSET_MASK = 0x00fffffffffffe00
OFLAG_COPIED = 1 << 63


def corrupt_qcow2(path, corruption):
    # Damages a freshly written qcow2 in one of five ways, as src/fuzz/qcow2-corrupt.ts does;
    # returns the damaged data cluster's host offset, or raises ValueError.
    with open(path, 'r+b') as f:
        def read64(at):
            f.seek(at)
            return int.from_bytes(f.read(8).ljust(8, b'\0'), 'big')

        def write64(at, value):
            f.seek(at)
            f.write(value.to_bytes(8, 'big'))
        header = f.read(104).ljust(104, b'\0')
        if be(header, 0, 4) != QCOW2_MAGIC:
            raise ValueError('not a qcow2 image')
        cluster_size = 2 ** be(header, 20, 4)
        l1_size = be(header, 36, 4)
        l1_offset = be(header, 40, 8)
        refcount_table = be(header, 48, 8)
        if l1_size == 0:
            raise ValueError('the L1 table is empty')
        l2_offset = read64(l1_offset) & OFFSET_MASK
        if l2_offset == 0:
            raise ValueError('L1[0] is unallocated')
        l2 = [read64(l2_offset), read64(l2_offset + 8)]
        host = [e & OFFSET_MASK for e in l2]
        if host[0] == 0:
            raise ValueError('L2[0] is unallocated')

        def set_refcount(offset, value):
            index = offset // cluster_size
            per_block = cluster_size // 2
            block = read64(refcount_table + (index // per_block) * 8)
            if block == 0:
                raise ValueError('no refcount block covers offset %d' % offset)
            f.seek(block + (index % per_block) * 2)
            f.write(value.to_bytes(2, 'big'))
        if corruption == 'refcount_zero':
            set_refcount(host[0], 0)
            return host[0]
        if corruption == 'refcount_too_high':
            write64(l2_offset, l2[0] & ~OFLAG_COPIED)
            set_refcount(host[0], 2)
            return host[0]
        if corruption == 'leaked_cluster':
            write64(l2_offset, 0)
            return host[0]
        if corruption == 'stale_copied':
            i = 1 if host[1] != 0 else 0
            write64(l2_offset + i * 8, l2[i] | OFLAG_COPIED)
            set_refcount(host[i], 2)
            return host[i]
        if corruption == 'overlapping':
            write64(l2_offset + 8, l2[0])
            return host[0]
        raise ValueError('unknown corruption ' + corruption)


@command('corrupt')
def cmd_corrupt(path, corruption):
    try:
        print('damaged (%s) the data cluster at host offset %d' % (corruption, corrupt_qcow2(path, corruption)))
    except ValueError as e:
        print(e)
        verdict('inconclusive', 'inconclusive_fixture_failed',
                'the reference tools could not build the fixture (corrupt qcow2): %s' % e)
    verdict('next')
`;

// src/fuzz/repro/python-json.ts
var PY_INFO = String.raw`INFO_STRIP = {'actual-size', 'disk size', 'image-clusters', 'fragmented-clusters',
              'allocated-clusters', 'filename', 'format-specific', 'dirty-flag'}


def normalise_info(doc):
    return strip_keys(doc, INFO_STRIP)


@command('info')
def cmd_info(name_i, name_q):
    di = parse_json(out(name_i))
    if di is MISSING:
        verdict('divergence', 'info_json_parse_failure', 'instar info --output json did not print JSON.')
    ni = normalise_info(di)
    nq = normalise_info(parse_json(out(name_q)))
    paths = differing_paths(ni, nq)
    if not paths:
        verdict('next')
    show_differences(ni, nq, paths)
    verdict('divergence', 'info_output_divergence',
            'instar info differs from qemu-img info at %s.' % ', '.join(paths[:3]))
`;
var PY_READBACK = String.raw`READBACK_UNIVERSAL = ['actual-size', 'dirty-flag', 'refcount-block-cache-size', 'l2-cache-size',
                      'l2-cache-entry-size', 'cache-clean-interval']
READBACK_TARGET = {'vmdk': ['cid', 'parent-cid'], 'vhdx': ['log-size']}


def replace_filename(v, image_path):
    if isinstance(v, list):
        return [replace_filename(x, image_path) for x in v]
    if isinstance(v, dict):
        return {k: '$FILENAME' if k == 'filename' and x == image_path else replace_filename(x, image_path)
                for k, x in v.items()}
    return v


def bitmap_name(b):
    name = b.get('name', MISSING) if isinstance(b, dict) else ''
    return js(name)


def normalise_readback(doc, target, image_path):
    out = strip_keys(doc, set(READBACK_UNIVERSAL + READBACK_TARGET.get(target, [])))
    if isinstance(out, dict):
        if isinstance(out.get('children'), list):
            out['children'] = [
                dict(c, info={k: x for k, x in c['info'].items() if k != 'virtual-size'})
                if isinstance(c, dict) and isinstance(c.get('info'), dict) else c
                for c in out['children']]
        if isinstance(out.get('snapshots'), list):
            out['snapshots'] = [
                {k: x for k, x in s.items() if k not in ('date-sec', 'date-nsec')} if isinstance(s, dict) else s
                for s in out['snapshots']]
        fs = out.get('format-specific')
        if isinstance(fs, dict) and isinstance(fs.get('data'), dict) and isinstance(fs['data'].get('bitmaps'), list):
            bitmaps = [dict(b, flags=sorted(js(f) for f in b['flags']))
                       if isinstance(b, dict) and isinstance(b.get('flags'), list) else b
                       for b in fs['data']['bitmaps']]
            # localeCompare, for the names qemu-img allows: case folded first.
            bitmaps.sort(key=lambda b: (bitmap_name(b).casefold(), bitmap_name(b)))
            out = dict(out, **{'format-specific': dict(fs, data=dict(fs['data'], bitmaps=bitmaps))})
    return replace_filename(out, image_path)


@command('readback')
def cmd_readback(prefix, target, image_i, image_q, dir_i='', dir_q=''):
    sides = {prefix + '.info-i': (image_i, dir_i), prefix + '.info-q': (image_q, dir_q)}

    def read(name):
        doc = parse_json(out(name))
        if doc is MISSING:
            return MISSING
        image, folder = sides[name]
        v = normalise_readback(doc, target, image)
        return replace_strings(v, folder, '$DIR', True) if folder else v
    compare_views(prefix, list(sides), read, 'read back', 'info',
                  prefix + '_info_readback_failure', prefix + '_info_divergence')
`;
var PY_MAP = String.raw`MAP_COMPARE_FIELDS = ['start', 'length', 'present', 'zero', 'data']
MAP_FIELD_SKIPS = {'vpc': ['present']}
SHOWN_EXTENTS = 64


def map_extent(e, fmt):
    e = e if isinstance(e, dict) else {}
    return {f: e.get(f, MISSING) for f in MAP_COMPARE_FIELDS if f not in MAP_FIELD_SKIPS.get(fmt, [])}


@command('map')
def cmd_map(fmt, name_i, name_q):
    di = parse_json(out(name_i))
    dq = parse_json(out(name_q))
    if not isinstance(dq, list):
        verdict('inconclusive', 'inconclusive_reference_output', 'qemu-img map --output=json did not print a JSON array.')
    if di is MISSING:
        verdict('divergence', 'map_json_parse_failure', 'instar map --output json did not print JSON.')
    if not isinstance(di, list):
        verdict('divergence', 'map_json_shape_divergence', 'instar map printed JSON that is not an array of extents.')
    ei = [map_extent(e, fmt) for e in di]
    eq = [map_extent(e, fmt) for e in dq]
    if len(ei) != len(eq):
        dump('instar extents:', ei[:SHOWN_EXTENTS])
        dump('qemu-img extents:', eq[:SHOWN_EXTENTS])
        verdict('divergence', 'map_extent_count_divergence',
                'instar map reports %d extents where qemu-img reports %d.' % (len(ei), len(eq)))
    paths = differing_paths(ei, eq)
    if not paths:
        verdict('next')
    show_differences(ei, eq, paths)
    _, index, field = paths[0].split('/')[:3]
    k = int(index)
    verdict('divergence', 'map_field_divergence', "extent %d's %s differs: instar %s, qemu-img %s."
            % (k, field, json.dumps(plain(ei[k].get(field))), json.dumps(plain(eq[k].get(field)))))
`;
var PY_ALLOCATION = String.raw`ALLOCATION_FIELDS = ['depth', 'present', 'zero', 'data']


def allocation_extents(doc):
    if not isinstance(doc, list):
        return None
    extents = []
    for e in doc:
        if not isinstance(e, (dict, list)):
            return None
        e = e if isinstance(e, dict) else {}
        kept = {'start': e.get('start', MISSING), 'length': e.get('length', MISSING)}
        for f in ALLOCATION_FIELDS:
            kept[f] = e.get(f, MISSING)
        last = extents[-1] if extents else None
        if (last and all(same(last[f], kept[f]) for f in ALLOCATION_FIELDS)
                and all(is_number(x) for x in (last['start'], last['length'], kept['start']))
                and last['start'] + last['length'] == kept['start']):
            last['length'] = last['length'] + kept['length']
        else:
            extents.append(kept)
    return extents


@command('allocation')
def cmd_allocation(prefix):
    def read(name):
        v = allocation_extents(parse_json(out(name)))
        return MISSING if v is None else v
    compare_views(prefix, [prefix + '.map-i', prefix + '.map-q'], read, 'map', 'map',
                  prefix + '_map_readback_failure', prefix + '_allocation_divergence')
`;
var PY_MEASURE = String.raw`def json_object(text):
    v = parse_json(text)
    return v if isinstance(v, dict) else None


@command('measure')
def cmd_measure(name_i, name_q):
    mi = json_object(out(name_i))
    mq = json_object(out(name_q))
    if mi is None:
        verdict('divergence', 'measure_json_parse_failure', 'instar measure --output json did not print a JSON object.')
    if mq is None:
        verdict('inconclusive', 'inconclusive_reference_output', 'qemu-img measure printed no JSON object.')
    differing = [k for k in ('required', 'fully-allocated') if not same(mi.get(k, MISSING), mq.get(k, MISSING))]
    if differing:
        k = differing[0]
        verdict('divergence', 'measure_numeric_divergence', "measure's %s differs: instar %s, qemu-img %s."
                % (k, js(mi.get(k, MISSING)), js(mq.get(k, MISSING))))
    if ('bitmaps' in mi) != ('bitmaps' in mq):
        verdict('divergence', 'measure_bitmaps_presence_divergence', 'instar %s "bitmaps" where qemu-img %s it.'
                % ('prints' if 'bitmaps' in mi else 'omits', 'prints' if 'bitmaps' in mq else 'omits'))
    verdict('next')


def promised(name):
    doc = json_object(out(name))
    if doc is None or not is_number(doc.get('required')) or not is_number(doc.get('fully-allocated')):
        return None
    return doc['fully-allocated']


@command('measure-promise')
def cmd_measure_promise(name):
    if promised(name) is None:
        verdict('divergence', 'measure_json_parse_failure',
                'instar measure did not print integer "required" and "fully-allocated".')
    verdict('next')


@command('measure-bound')
def cmd_measure_bound(name, target, written):
    fully = promised(name)
    actual = os.stat(written).st_size
    cushion = max(1 << 20, int(fully // 16))
    print('instar promised fully-allocated %s; its %s convert wrote %d bytes' % (js(fully), target, actual))
    if actual <= fully + cushion:
        verdict('next')
    verdict('divergence', 'measure_above_fully_allocated_bound',
            "instar's %s convert wrote %d bytes, above its own fully-allocated figure %s plus a %d-byte cushion."
            % (target, actual, js(fully), cushion))
`;
var PY_LIBYAL = String.raw`import re


def libyal_report(text):
    fields = {}
    for line in text.split('\n'):
        colon = line.find(':')
        if colon < 0:
            continue
        key = line[:colon].strip().lower()
        value = line[colon + 1:].strip()
        if key and value:
            fields[key] = value
    return fields


def libyal_bytes(value):
    if value is None:
        return None
    m = re.search(r'\((\d+) bytes\)', value) or re.fullmatch(r'(\d+)(?: bytes)?', value)
    return int(m.group(1)) if m else None


def libyal_facts(text):
    f = libyal_report(text)
    facts = {}
    size = libyal_bytes(f.get('media size'))
    if size is not None:
        facts['virtual-size'] = size
    cluster = libyal_bytes(f.get('cluster block size', f.get('cluster size')))
    if cluster is not None:
        facts['cluster-size'] = cluster
    version = f.get('format version')
    if re.search(r'^QEMU Copy-On-Write', text, re.M) and version in ('2', '3'):
        facts['compat'] = '0.10' if version == '2' else '1.1'
    return facts


def info_facts(doc):
    d = doc if isinstance(doc, dict) else {}
    fs = d.get('format-specific', MISSING)
    data = fs.get('data', MISSING) if isinstance(fs, dict) else MISSING
    return {'virtual-size': d.get('virtual-size', MISSING), 'cluster-size': d.get('cluster-size', MISSING),
            'compat': data.get('compat', MISSING) if isinstance(data, dict) else MISSING}


@command('libyal-info')
def cmd_libyal_info(tool, name_l, name_i, name_q):
    theirs = libyal_facts(out(name_l))
    ours = info_facts(parse_json(out(name_i)))
    reference = info_facts(parse_json(out(name_q)))
    differing = [k for k in theirs if ours.get(k, MISSING) is not MISSING and not same(ours[k], theirs[k])]
    if not differing:
        verdict('next')
    real = [k for k in differing if reference[k] is MISSING or not same(reference[k], ours[k])]
    first = (real or differing)[0]
    words = '%s reads %s %s where instar info says %s' % (tool, first, js(theirs[first]), js(ours[first]))
    if not real:
        verdict('inconclusive', 'inconclusive_libyal_outlier',
                "%s, and so does qemu-img: libyal's reading is the odd one out." % words)
    qemu = '' if reference[first] is MISSING else ' (qemu-img: %s)' % js(reference[first])
    verdict('divergence', 'libyal_info_divergence', words + qemu + '.')
`;

// src/fuzz/repro/python.ts
var PARTS = {
  views: { needs: [], code: PY_VIEWS },
  info: { needs: [], code: PY_INFO },
  readback: { needs: ["views"], code: PY_READBACK },
  map: { needs: [], code: PY_MAP },
  allocation: { needs: ["views"], code: PY_ALLOCATION },
  measure: { needs: [], code: PY_MEASURE },
  libyal: { needs: [], code: PY_LIBYAL },
  check: { needs: [], code: PY_CHECK },
  qcow2: { needs: [], code: PY_QCOW2 },
  "snapshot-table": { needs: ["qcow2"], code: PY_SNAPSHOT_TABLE },
  "same-bytes": { needs: [], code: PY_SAME_BYTES },
  corrupt: { needs: ["qcow2"], code: PY_CORRUPT }
};
var PYTHON_PARTS = Object.keys(PARTS);
function pythonOracle(parts) {
  const wanted = /* @__PURE__ */ new Set();
  const add2 = (p) => {
    if (wanted.has(p)) return;
    wanted.add(p);
    for (const need2 of PARTS[p].needs) add2(need2);
  };
  for (const p of parts) add2(p);
  if (wanted.size === 0) return null;
  const code2 = PYTHON_PARTS.filter((p) => wanted.has(p)).map((p) => PARTS[p].code);
  return [PY_CORE, ...code2, "main()\n"].join("\n\n");
}

// src/fuzz/repro/shell-lib.ts
var SHELL_LIBRARY = `set -u
say() { printf '%s\\n' "$*"; }
repro_fail() { say "repro.sh: $*" >&2; exit 2; }

# abs_tool NAME-OR-PATH: the absolute path of an executable (a bare name is looked up on PATH).
abs_tool() {
  case $1 in
    */*) [ -f "$1" ] && [ -x "$1" ] && say "$(cd "$(dirname "$1")" && pwd)/$(basename "$1")" ;;
    *) _p=$(command -v "$1") || return 1; case $_p in */*) abs_tool "$_p" ;; *) return 1 ;; esac ;;
  esac
}

INSTAR=$(abs_tool "\${INSTAR:-instar}") || repro_fail "instar not found (\${INSTAR:-instar}): set INSTAR=/path/to/instar"
QEMU_IMG=$(abs_tool "\${QEMU_IMG:-qemu-img}") || repro_fail "qemu-img not found (\${QEMU_IMG:-qemu-img}): set QEMU_IMG=/path/to/qemu-img"
QEMU_IO=$(abs_tool "\${QEMU_IO:-$(dirname "$QEMU_IMG")/qemu-io}") || QEMU_IO=$(abs_tool qemu-io) ||
  repro_fail "qemu-io not found next to $QEMU_IMG or on PATH: set QEMU_IO=/path/to/qemu-io"
command -v timeout >/dev/null || repro_fail "timeout (coreutils) not found"
# instar imitates the first qemu-img on its PATH: the reference's folder goes first, and
# every tool speaks the C locale, as in the harness.
PATH=$(dirname "$QEMU_IMG"):$PATH
LC_ALL=C
export PATH LC_ALL
W=$(mktemp -d) || repro_fail "mktemp -d failed"
export W
if [ -n "\${REPRO_KEEP:-}" ]; then
  trap 'say "repro.sh: the case is kept in $W" >&2' EXIT
else
  trap 'rm -rf "$W"' EXIT
fi
trap 'exit 130' HUP INT TERM
CWD=

# qemu_version: the reference's version number; qemu_at_least MAJOR MINOR.
qemu_version() { "$QEMU_IMG" --version | sed -n '1s/.*version \\([0-9][0-9]*\\.[0-9][0-9]*\\).*/\\1/p'; }
qemu_at_least() {
  _v=$(qemu_version)
  [ -n "$_v" ] || return 1
  [ "\${_v%%.*}" -gt "$1" ] || { [ "\${_v%%.*}" -eq "$1" ] && [ "\${_v#*.}" -ge "$2" ]; }
}

# quoted ARG...: the arguments as one shell command line (for showing).
quoted() {
  _s=
  for _a in "$@"; do
    case $_a in '' | *[!A-Za-z0-9_@%+=:,./-]*) _a="'$(printf '%s' "$_a" | sed "s/'/'\\\\\\\\''/g")'" ;; esac
    _s="$_s\${_s:+ }$_a"
  done
  say "$_s"
}

# trace ARG...: with REPRO_TRACE=FILE, each tool call is appended to FILE (tests compare it with the harness's calls).
trace() {
  {
    [ -z "$CWD" ] || printf 'c%s\\0' "$CWD"
    for _a in "$@"; do printf 'a%s\\0' "$_a"; done
    printf 'e\\0'
  } >>"$REPRO_TRACE"
}

# call NAME PROGRAM [ARG...]: one tool call as the harness makes it (stdin closed, in $CWD when
# set, its process group killed after $TIMEOUT s); outputs in $W/NAME.out and $W/NAME.err.
call() {
  _n=$1
  shift
  quoted "$@" >"$W/$_n.cmd"
  [ -z "\${REPRO_TRACE:-}" ] || trace "$@"
  _t0=$(date +%s)
  (cd "\${CWD:-.}" && exec timeout -k 5 "$TIMEOUT" "$@") </dev/null >"$W/$_n.out" 2>"$W/$_n.err"
  _rc=$?
  _to=0
  if [ "$_rc" -eq 124 ] || { [ "$_rc" -eq 137 ] && [ $(($(date +%s) - _t0)) -ge "$TIMEOUT" ]; }; then _to=1; fi
  say "$_rc $_to" >"$W/$_n.end"
}

end_of() { read -r RC TO <"$W/$1.end"; }
ok() { end_of "$1" && [ "$TO" = 0 ] && [ "$RC" = 0 ]; }
timed_out() { end_of "$1" && [ "$TO" = 1 ]; }
# A signal (status above 128) or a Rust panic (101), not a timeout.
crashed() { end_of "$1" && [ "$TO" = 0 ] && { [ "$RC" = 101 ] || [ "$RC" -gt 128 ]; }; }
ended() {
  end_of "$1"
  if [ "$TO" = 1 ]; then say "timed out after $TIMEOUT s"
  elif [ "$RC" -gt 128 ]; then say "killed by SIG$(kill -l "$((RC - 128))")"
  else say "exit $RC"; fi
}
crash_words() { if end_of "$1" && [ "$RC" = 101 ]; then say 'panicked (exit 101)'; else say "was killed by SIG$(kill -l "$((RC - 128))")"; fi; }
no_space() { grep -Eqi 'No space left on device|Disk quota exceeded' "$W/$1.err"; }

# show NAME: the call, how it ended, and the start of what it printed.
show() {
  say
  say "\\$ $(cat "$W/$1.cmd")"
  say "  -> $(ended "$1")"
  excerpt stdout "$W/$1.out"
  excerpt stderr "$W/$1.err"
}
excerpt() {
  [ -s "$2" ] || return 0
  say "  $1:"
  head -c 4000 "$2" | sed 's/^/    /'
  say
  _b=$(wc -c <"$2")
  [ "$_b" -le 4000 ] || say "    ... ($_b bytes in all)"
}

signature() { stat -c '%s %y %z' "$1" 2>/dev/null || cksum <"$1"; }
SRC_SIG=
# The source must come out as it went in: instar was only asked to read it.
modified_check() {
  [ -n "$SRC_SIG" ] && [ "$(signature "$SRC")" != "$SRC_SIG" ] || return 0
  SRC_SIG=
  diverged instar_modified_input "instar modified the source image it was only asked to read."
}
diverged() {
  modified_check
  say
  say "DIVERGENCE $1: $2"
  if [ "$1" = "$EXPECTED" ]; then say "The finding reproduces."; exit 1; fi
  say "This is another divergence than the finding's ($EXPECTED)."
  exit 3
}
inconclusive() {
  modified_check
  say
  say "INCONCLUSIVE $1: $2"
  say "Nothing was decided: the reference side could not build or judge the case."
  exit 2
}
passed() {
  modified_check
  say
  say "NO DIVERGENCE: $1"
  say "The finding does not reproduce."
  exit 0
}

# fixture STEP NAME PROGRAM [ARG...]: a step only the reference tools make; its failure decides nothing.
fixture() {
  _step=$1
  shift
  call "$@"
  ok "$1" && return 0
  show "$1"
  no_space "$1" && inconclusive inconclusive_no_space "a tool ran out of disk space ($_step)."
  inconclusive inconclusive_fixture_failed "the reference tools could not build the fixture ($_step): $(ended "$1")."
}

# compare_exits INSTAR_CALL QEMU_CALL [noparity]: the harness's classifier of how the two calls
# ended (crash, hang, then success against failure); returns when they agree.
compare_exits() {
  crashed "$1" && diverged instar_crash "instar $(crash_words "$1"); qemu-img $(ended "$2")."
  timed_out "$2" && inconclusive inconclusive_external_timeout "qemu-img $(ended "$2"); the reference gave no answer."
  timed_out "$1" && diverged instar_timeout "instar $(ended "$1") where qemu-img finished ($(ended "$2"))."
  [ "\${3:-}" = noparity ] && return 0
  if ok "$1"; then _i=1; else _i=0; fi
  if ok "$2"; then _q=1; else _q=0; fi
  [ "$_i" = "$_q" ] && return 0
  for _c in "$1" "$2"; do
    ok "$_c" || ! no_space "$_c" || inconclusive inconclusive_no_space "a tool ran out of disk space: nothing was decided."
  done
  [ "$_i" = 1 ] && diverged exit_code_divergence "instar succeeded where qemu-img failed ($(ended "$2"))."
  diverged exit_code_divergence "instar failed ($(ended "$1")) where qemu-img succeeded."
}

# compare_runs INSTAR_CALL QEMU_CALL WHAT: compare_exits, where both refusing leaves nothing to compare.
compare_runs() {
  compare_exits "$1" "$2"
  ok "$1" || passed "both tools refused $3."
}

# crash_or_hang INSTAR_CALL: for an instar call without a qemu-img counterpart.
crash_or_hang() {
  crashed "$1" && diverged instar_crash "instar $(crash_words "$1")."
  timed_out "$1" && diverged instar_timeout "instar $(ended "$1")."
  return 0
}
`;
var SHELL_ORACLES = `# judge COMMAND [ARG...]: one comparison by the inline python oracle: it prints what differs
# and decides as the harness does (next: go on to the following check).
judge() {
  rm -f "$W/verdict"
  python3 "$W/oracle.py" "$@" || repro_fail "the python oracle failed ($1)"
  read -r _kind _type _why <"$W/verdict"
  case $_kind in
    next) return 0 ;;
    pass) passed "$_why" ;;
    divergence) diverged "$_type" "$_why" ;;
    *) inconclusive "$_type" "$_why" ;;
  esac
}

# content TYPE MISSING UNREADABLE FORMAT INSTAR_FILE QEMU_FILE: guest data compared with
# qemu-img compare, which reads only allocated data; raw outputs must also match in length.
content() {
  if [ "$4" = raw ]; then
    [ -e "$6" ] || inconclusive inconclusive_reference_output_missing "qemu-img reported success but wrote no output file."
    [ -e "$5" ] || diverged "$2" "instar reported success but wrote no output file."
    _li=$(wc -c <"$5")
    _lq=$(wc -c <"$6")
    [ "$_li" -eq "$_lq" ] || diverged "$1" "raw output lengths differ: instar $_li bytes, qemu-img $_lq bytes."
  fi
  call compare "$QEMU_IMG" compare -f "$4" -F "$4" "$5" "$6"
  show compare
  if grep -qi 'size mismatch' "$W/compare.out"; then _sm=1; else _sm=0; fi
  end_of compare
  if [ "$TO" = 0 ] && { [ "$RC" = 0 ] || [ "$RC" = 1 ]; }; then
    [ "$RC" = 0 ] && [ "$_sm" = 0 ] && return 0
    if [ "$RC" = 0 ]; then diverged "$1" "virtual sizes differ (the extra part reads as zeros)."; fi
    diverged "$1" "guest data differs: $(tail -n 1 "$W/compare.out")."
  fi
  # An image qemu-img cannot even compare with itself is one it cannot open or read through.
  call unreadable "$QEMU_IMG" compare -f "$4" -F "$4" "$5" "$5"
  ok unreadable || { show unreadable; diverged "$3" "qemu-img cannot read instar's $4 output ($(ended unreadable))."; }
  inconclusive inconclusive_compare_failed "qemu-img compare failed ($(ended compare))."
}

# readback PREFIX TARGET INSTAR_IMAGE QEMU_IMAGE [INSTAR_DIR QEMU_DIR]: qemu-img info of both
# results, normalised (the folders become $DIR) and compared.
readback() {
  call "$1.info-i" "$QEMU_IMG" info --output=json "$3"
  call "$1.info-q" "$QEMU_IMG" info --output=json "$4"
  judge readback "$@"
}

# allocation PREFIX FORMAT INSTAR_IMAGE QEMU_IMAGE: qemu-img map of both, host layout left out.
allocation() {
  call "$1.map-i" "$QEMU_IMG" map -f "$2" --output=json "$3"
  call "$1.map-q" "$QEMU_IMG" map -f "$2" --output=json "$4"
  judge allocation "$1"
}

# check_clean PREFIX IMAGE: qemu-img check must find the image instar left clean.
check_clean() {
  call "$1.check" "$QEMU_IMG" check -f qcow2 --output=json "$2"
  show "$1.check"
  timed_out "$1.check" && inconclusive inconclusive_external_timeout "qemu-img check $(ended "$1.check")."
  judge check-clean "$1"
}
`;

// src/fuzz/repro/source-image.ts
function printfBytes(bytes) {
  return `printf '${bytes.map((b) => `\\${b.toString(8).padStart(3, "0")}`).join("")}'`;
}
function ddAt(offset, length) {
  const bs = offset % 512 === 0 && length % 512 === 0 ? 512 : 1;
  return `dd of="$SRC" bs=${bs} seek=${offset / bs} conv=notrunc 2>/dev/null`;
}
function rawWrite(w) {
  const fill = `head -c ${w.length} /dev/zero | tr '\\000' '\\${w.byte.toString(8).padStart(3, "0")}'`;
  return `${fill} | ${ddAt(w.offset, w.length)}`;
}
function mbrLines() {
  return MBR_WRITES.map((w) => `${printfBytes(w.bytes)} | ${ddAt(w.offset, w.bytes.length)}`);
}
function sourceBlock(spec) {
  const lines = [
    'mkdir "$W/source" "$W/step"',
    `SRC=${line(`${ref("W")}/source/source.${spec.format}`)}`,
    fixture2(
      "create source",
      "source.create",
      QEMU_IMG,
      createImageArgs({
        format: spec.format,
        file: SRC,
        size: spec.size,
        options: sourceCreateOptions(spec)
      })
    )
  ];
  if (spec.writes.length > 0 && spec.format === "raw") lines.push(...spec.writes.map(rawWrite));
  else if (spec.writes.length > 0)
    lines.push(
      fixture2(
        "write source data",
        "source.write",
        QEMU_IO,
        qemuIoWriteArgs(spec.format, spec.writes, SRC)
      )
    );
  if (spec.pattern === "mbr" && spec.format === "raw") lines.push(...mbrLines());
  lines.push('SRC_SIG=$(signature "$SRC")');
  return { lines };
}

// src/fuzz/repro/script.ts
function stagesFor(type, stages) {
  if (type === "instar_modified_input") return { run: stages, cut: false };
  const last = stages.findLastIndex((s) => s.reports.includes(type));
  return last < 0 ? { run: stages, cut: false } : { run: stages.slice(0, last + 1), cut: last + 1 < stages.length };
}
function header(r) {
  const c = r.case;
  return [
    comment(`Reproducer of instar-diff-fuzz finding ${r.fingerprint}: ${r.type}`),
    comment(`  ${[c.operation, c.plan.target, ...r.options].join(" ")}`),
    "#",
    "# The minimal case:",
    ...(r.caseWords ?? caseWords(c)).map((w) => comment(`  - ${w}`)),
    "#",
    "# Run it with the tools to test (else the ones on PATH):",
    "#   INSTAR=/path/to/instar QEMU_IMG=/path/to/qemu-img sh repro.sh",
    "# It needs instar, qemu-img, qemu-io (QEMU_IO, else next to qemu-img, else on PATH),",
    "# coreutils and, where JSON or bytes are compared, python3. It builds the case in a",
    "# temporary folder (REPRO_KEEP=1 keeps it) and runs every call as the harness did, each",
    `# limited to REPRO_TIMEOUT seconds (default ${r.timeoutSeconds}, the run's limit).`,
    "# Exit status: 1 the divergence reproduces; 0 it does not; 2 the reference tools could",
    "# not build or judge the case; 3 another divergence showed up instead.",
    "# The case itself is at the end, after the shared functions (and the python oracle)."
  ];
}
function pythonLines(code2) {
  return [
    "",
    "command -v python3 >/dev/null || repro_fail 'python3 is needed to compare what the tools wrote'",
    `cat >"$W/oracle.py" <<'PYTHON'`,
    code2.trimEnd(),
    "PYTHON"
  ];
}
function reproScript(r) {
  const piece = REPRO_PIECES[r.case.operation];
  const { run, cut } = stagesFor(r.type, piece.stages(r.case.plan, r.case.source));
  const blocks = [
    r.case.source ? sourceBlock(r.case.source) : { lines: ['mkdir "$W/step"'] },
    piece.fixtures(r.case.plan, r.case.source),
    ...run
  ];
  const python = pythonOracle(blocks.flatMap((b) => b.python ?? []));
  const agreed = cut ? "the checks up to this finding's agree (the later checks would be other findings: not run)." : "every check agrees.";
  return [
    "#!/bin/sh",
    ...header(r),
    "",
    `EXPECTED=${r.type}`,
    `TIMEOUT=\${REPRO_TIMEOUT:-${r.timeoutSeconds}}`,
    SHELL_LIBRARY.trimEnd(),
    "",
    SHELL_ORACLES.trimEnd(),
    ...python ? pythonLines(python) : [],
    "",
    "# ---- the case ----",
    ...blocks.flatMap((b) => b.lines),
    line("passed", agreed),
    ""
  ].join("\n");
}

// src/fuzz/repro/files.ts
var SOURCE_ARCHIVE_CAP = 8 * 1024 * 1024;
var OUTPUT_CAP2 = 64 * 1024;
function message(error) {
  return error instanceof Error ? error.message : String(error);
}
async function archiveSource(spec, folder, s) {
  const work = await mkdtemp3(path17.join(os.tmpdir(), "idf-source-"));
  const archive = path17.join(folder, "source.tar.gz");
  try {
    const tools = createToolbox({
      paths: s.paths,
      qemuVersion: s.qemuVersion,
      timeoutMs: s.timeoutSeconds * 1e3,
      deadline: Number.POSITIVE_INFINITY
    });
    const name = path17.basename((await buildSource(spec, work, tools)).qemuPath);
    const tar = await runTool("tar", ["--sparse", "-czf", archive, "-C", work, name], {
      timeoutMs: s.timeoutSeconds * 1e3,
      outputCap: OUTPUT_CAP2
    });
    if (!succeeded(tar)) {
      await rm3(archive, { force: true });
      return `The source image is left out: tar could not archive it (${describeEnd(tar)}: ${tar.stderr.trim().slice(0, 200)}); repro.sh builds it.`;
    }
    const size = (await stat4(archive)).size;
    const cap = s.sourceCap ?? SOURCE_ARCHIVE_CAP;
    if (size > cap) {
      await rm3(archive, { force: true });
      return `The source image is left out: compressed it takes ${size} bytes, over the ${cap}-byte cap; repro.sh builds it.`;
    }
    return `\`source.tar.gz\` (${size} bytes): the source image \`${name}\`, rebuilt from the case by qemu-img as the run built it. \`tar -xzf source.tar.gz\` gives it back byte for byte, holes included (GNU tar's sparse format).`;
  } catch (error) {
    await rm3(archive, { force: true });
    return `The source image is left out: it could not be built here (${message(error)}); repro.sh builds it.`;
  } finally {
    await rm3(work, { recursive: true, force: true });
  }
}
async function writeOutputs(f, folder) {
  const ev = f.evidence;
  const files = [];
  const calls2 = [
    ["instar", ev.instar],
    ["qemu-img", ev.qemu]
  ];
  for (const [side, call2] of calls2) {
    if (call2?.stdout) files.push([`${side}.stdout`, call2.stdout]);
    if (call2?.stderr) files.push([`${side}.stderr`, call2.stderr]);
  }
  const outputs = [
    ["instar-output.json", ev.instarOutput],
    ["qemu-img-output.json", ev.qemuOutput]
  ];
  for (const [name, value] of outputs)
    if (value !== void 0)
      files.push([name, typeof value === "string" ? value : `${JSON.stringify(value, null, 2)}
`]);
  for (const [name, text] of files)
    await writeFile(path17.join(folder, name), text.slice(0, OUTPUT_CAP2));
  return files.map(([name]) => name);
}
function readme(f, r, sourceLine, outputs) {
  return [
    `# Finding ${f.fingerprint}: ${f.type}`,
    "",
    f.evidence.summary,
    "",
    "The minimal case:",
    "",
    ...r.caseWords.map((w) => `- ${w}`),
    "",
    "## Files",
    "",
    "- `repro.sh`: rebuilds the case from scratch in a temporary folder and runs both tools as the harness did: `INSTAR=/path/to/instar QEMU_IMG=/path/to/qemu-img sh repro.sh`. Exit 1: the divergence reproduces; 0: it does not; 2: the reference tools could not build or judge the case; 3: another divergence showed up. It needs instar, qemu-img, qemu-io, coreutils and, where JSON or bytes are compared, python3.",
    `- ${sourceLine}`,
    ...outputs.length > 0 ? [
      `- ${outputs.map((o) => `\`${o}\``).join(", ")}: what the two calls printed and the outputs compared (normalised), as the finding keeps them (excerpts).`
    ] : [],
    `- \`../${f.fingerprint}.json\`: the whole finding, every occurrence with its evidence.`,
    ""
  ].join("\n");
}
function replay(f, timeoutSeconds) {
  const c = caseFromStored(f.case);
  if (!c) return null;
  const words = caseWords(c);
  const script = reproScript({
    fingerprint: f.fingerprint,
    type: f.type,
    options: f.options,
    case: c,
    timeoutSeconds,
    caseWords: words
  });
  return {
    reproducer: { path: `findings/${f.fingerprint}/repro.sh`, script, caseWords: words },
    case: c
  };
}
function reproducerFor(f, timeoutSeconds) {
  return replay(f, timeoutSeconds)?.reproducer ?? null;
}
async function writeFolder(reportDir, f, replayed, s) {
  const folder = path17.join(reportDir, "findings", f.fingerprint);
  await mkdir5(folder, { recursive: true });
  if (!replayed) {
    await writeFile(
      path17.join(folder, "README.md"),
      `# Finding ${f.fingerprint}: ${f.type}

No reproducer: this version of instar-diff-fuzz cannot rebuild the case (case schema ${f.case.schema}, operation ${f.case.operation}).
`
    );
    return;
  }
  const { reproducer: r, case: c } = replayed;
  await writeFile(path17.join(folder, "repro.sh"), r.script, { mode: 493 });
  const outputs = await writeOutputs(f, folder);
  const sourceLine = c.source ? await archiveSource(c.source, folder, s) : "No source image: this operation builds its own images, and repro.sh builds them the same way.";
  await writeFile(path17.join(folder, "README.md"), readme(f, r, sourceLine, outputs));
}
async function writeReproducers(reportDir, findings, settings) {
  const reproducers = /* @__PURE__ */ new Map();
  const failed2 = [];
  for (const f of findings) {
    const replayed = replay(f, settings.timeoutSeconds);
    if (replayed) reproducers.set(f.fingerprint, replayed.reproducer);
    try {
      await writeFolder(reportDir, f, replayed, settings);
    } catch (error) {
      failed2.push(`${f.fingerprint} (${message(error)})`);
    }
  }
  const warning = failed2.length === 0 ? null : `could not write the reproducers of ${failed2.length} finding${failed2.length === 1 ? "" : "s"} under ${reportDir}: ${failed2.slice(0, 3).join(", ")}; the findings themselves are reported`;
  return { reproducers, warning };
}

// src/fuzz/steering.ts
var WEIGHT_FLOOR = 0.05;
var SOURCE_KEYS = Object.keys(SOURCE_KNOBS);
function need(stats) {
  return 1 / (1 + (stats?.runs ?? 0)) ** 2;
}
function addTo(into, key, x) {
  const m = into.get(key) ?? { sum: 0, n: 0 };
  m.sum += x;
  m.n++;
  into.set(key, m);
}
var mean = (m) => m.sum / m.n;
function valueNeeds(name, space, map3) {
  const cells = space[name];
  const ran = map3.operations[name];
  const pairs = /* @__PURE__ */ new Map();
  for (const pair of cells.pairs) {
    const n = need(ran?.pairs[pair]);
    for (const v of valuesOfPair(pair)) addTo(pairs, v, n);
  }
  const out = /* @__PURE__ */ new Map();
  for (const v of cells.values) {
    const own = need(ran?.values[v]);
    const p = pairs.get(v);
    out.set(v, own + (p ? mean(p) : own));
  }
  return out;
}
function toWeights(needs) {
  const out = {};
  for (const [key, values] of needs) {
    const most = Math.max(...values.values());
    const weights = Object.fromEntries(
      [...values].map(([v, n]) => [v, Number(Math.max(WEIGHT_FLOOR, n / most).toPrecision(3))])
    );
    if (Object.values(weights).some((w) => w !== 1)) out[key] = weights;
  }
  return out;
}
function add(into, key, value, n) {
  if (!into.has(key)) into.set(key, /* @__PURE__ */ new Map());
  addTo(into.get(key), value, n);
}
function steeringWeights(accumulated, space, pool) {
  const out = {};
  const source = /* @__PURE__ */ new Map();
  for (const name of new Set(pool)) {
    const op = operation(name);
    const own = /* @__PURE__ */ new Map();
    for (const [cell2, n] of valueNeeds(name, space, accumulated)) {
      const [key, value] = splitValue(cell2);
      const fromSource = op.readsSource && (SOURCE_KEYS.includes(key) || key === "target" && op.targetIsSourceFormat === true);
      if (!fromSource) add(own, key, value, n);
      else add(source, key === "target" ? "from" : key, value, n);
    }
    const weights2 = toWeights(meanNeeds(own));
    if (Object.keys(weights2).length > 0) out[name] = weights2;
  }
  const weights = toWeights(meanNeeds(source));
  if (Object.keys(weights).length > 0) out.source = weights;
  return out;
}
function meanNeeds(needs) {
  return new Map(
    [...needs].map(([key, values]) => [key, new Map([...values].map(([v, m]) => [v, mean(m)]))])
  );
}
function steeringFrom(weights) {
  if (!weights || Object.keys(weights).length === 0) return void 0;
  return (drawer) => {
    const table = weights[drawer];
    if (!table) return void 0;
    return (key, value) => table[key]?.[valueText(value)] ?? 1;
  };
}

// src/qemu/provision-error.ts
var ProvisionError = class extends Error {
  constructor(message2) {
    super(message2);
    this.name = "ProvisionError";
  }
};

// src/qemu/provision.ts
import { existsSync, readFileSync as readFileSync3 } from "node:fs";
import { mkdir as mkdir7, rm as rm5 } from "node:fs/promises";
import os3 from "node:os";
import path20 from "node:path";

// src/qemu/apt.ts
import { chmod, copyFile as copyFile5, mkdir as mkdir6, mkdtemp as mkdtemp4, readdir, rm as rm4 } from "node:fs/promises";
import os2 from "node:os";
import path18 from "node:path";

// src/qemu/cache-key.ts
function parseOsRelease(text) {
  const fields = /* @__PURE__ */ new Map();
  for (const line2 of text.split("\n")) {
    const m = /^([A-Z0-9_]+)=(.*)$/.exec(line2.trim());
    if (!m) continue;
    fields.set(m[1], m[2].trim().replace(/^(["'])(.*)\1$/, "$2"));
  }
  return {
    id: (fields.get("ID") ?? "").toLowerCase(),
    idLike: (fields.get("ID_LIKE") ?? "").toLowerCase().split(/\s+/).filter(Boolean),
    versionId: fields.get("VERSION_ID") ?? ""
  };
}
function isDebianLike(os8) {
  return [os8.id, ...os8.idLike].some((id) => id === "debian" || id === "ubuntu");
}
function parseCandidate(policyOutput) {
  const m = /^\s*Candidate:\s*(\S+)\s*$/m.exec(policyOutput);
  if (!m || m[1] === "(none)") return null;
  return m[1];
}
var LAYOUT = "v1";
function debCacheKey(parts) {
  const fields = [
    "instar-diff-fuzz-qemu-utils",
    LAYOUT,
    parts.os.id || "unknown",
    parts.os.versionId || "unknown",
    parts.arch,
    parts.candidate
  ];
  return fields.map((f) => f.replace(/[^A-Za-z0-9._:+~-]/g, "_")).join("-");
}

// src/qemu/setup-command.ts
var MAX_BUFFER = 16 * 1024 * 1024;
var COMMAND_CHARS = 240;
function setupRunner(options) {
  const { debug } = options;
  return async (file, args) => {
    const { execa } = await import("./execa-ECTNE7X7.js");
    const r = await execa(file, args, {
      reject: false,
      stdin: "ignore",
      timeout: options.timeoutMs,
      forceKillAfterDelay: 2e3,
      maxBuffer: MAX_BUFFER,
      stripFinalNewline: false,
      verbose: debug ? (line2) => void debug(line2) : "none"
    });
    return toolResult(file, args, r);
  };
}
function toolResult(file, args, r) {
  const started = r.exitCode !== void 0 || r.signal !== void 0;
  return {
    argv: [file, ...args],
    exitCode: r.exitCode ?? (started ? null : 127),
    signal: r.signal ?? null,
    timedOut: r.timedOut,
    stdout: typeof r.stdout === "string" ? r.stdout : "",
    stderr: started ? typeof r.stderr === "string" ? r.stderr : "" : r.originalMessage ?? r.shortMessage ?? "",
    truncated: r.isMaxBuffer,
    durationMs: Math.round(r.durationMs)
  };
}
function failureLine(r, said2) {
  const full = shellCommand(r.argv);
  const command = full.length > COMMAND_CHARS ? `${full.slice(0, COMMAND_CHARS - 1)}\u2026` : full;
  const how = r.timedOut ? `timed out after ${(r.durationMs / 1e3).toFixed(0)} s` : r.signal ? `was killed by ${r.signal}` : `exited ${r.exitCode}`;
  const text = said2 ?? lastLines(r.stderr.trim() ? r.stderr : r.stdout, 3);
  return `\`${command}\` ${how}${text ? `: ${text}` : ""}`;
}
function lastLines(text, count2) {
  return text.split("\n").map((l) => l.trim()).filter(Boolean).slice(-count2).join(" | ");
}

// src/qemu/apt.ts
var PACKAGE = "qemu-utils";
var STALE_INDEX = [
  /404\s+Not Found/i,
  /Failed to fetch/i,
  /Unable to fetch some archives/i,
  /Unable to locate package/i,
  /has no installation candidate/i,
  /Hash Sum mismatch/i,
  /File has unexpected size/i,
  /is not valid yet/i
];
function looksStale(output) {
  return STALE_INDEX.some((re) => re.test(output));
}
function aptArgv(isRoot, program, args) {
  const argv = ["env", "DEBIAN_FRONTEND=noninteractive", "LC_ALL=C", program, ...args];
  return isRoot ? argv : ["sudo", "-n", ...argv];
}
var LOCK_WAIT = ["-o", "DPkg::Lock::Timeout=120"];
function said(r, lines) {
  const all = `${r.stderr}
${r.stdout}`.split("\n").map((l) => l.trim());
  const errors = all.filter((l) => l.startsWith("E:"));
  const warnings = all.filter((l) => /^(W|Err):/.test(l));
  const picked = [errors, warnings, all.filter(Boolean)].find((set) => set.length > 0) ?? [];
  return picked.slice(-lines).join(" | ");
}
function tail(r, lines = 4) {
  return failureLine(r, said(r, lines));
}
var Apt = class {
  constructor(run, isRoot, log) {
    this.run = run;
    this.isRoot = isRoot;
    this.log = log;
  }
  run;
  isRoot;
  log;
  updated = false;
  async apt(program, args) {
    const [file, ...rest] = aptArgv(this.isRoot, program, args);
    this.log(`$ ${[program, ...args].join(" ")}`);
    return this.run(file, rest);
  }
  /** `apt-get update`, at most once per provisioning. */
  async update() {
    if (this.updated) return;
    this.updated = true;
    const r = await this.apt("apt-get", ["update", ...LOCK_WAIT]);
    if (!succeeded(r))
      throw new ProvisionError(`qemu-img: auto could not refresh the apt index: ${tail(r)}`);
  }
  /** Runs an apt step; a stale-index failure gets one `apt-get update` and a second try. */
  async withFreshIndex(what, step) {
    let r = await step();
    if (!succeeded(r) && !this.updated && looksStale(`${r.stderr}
${r.stdout}`)) {
      this.log(`${what} failed on a stale apt index (${said(r, 2)}); running apt-get update once`);
      await this.update();
      r = await step();
    }
    if (!succeeded(r)) throw new ProvisionError(`qemu-img: auto could not ${what}: ${tail(r)}`);
    return r;
  }
  /**
   * The qemu-utils version apt would install, read from the local index.
   * An index that does not know the package is refreshed once.
   */
  async candidate() {
    const read = async () => {
      const r = await this.apt("apt-cache", ["policy", PACKAGE]);
      return succeeded(r) ? parseCandidate(r.stdout) : null;
    };
    let version = await read();
    if (version === null && !this.updated) {
      this.log(`the apt index has no candidate for ${PACKAGE}; running apt-get update once`);
      await this.update();
      version = await read();
    }
    if (version === null)
      throw new ProvisionError(
        `qemu-img: auto found no qemu-img on PATH and apt has no ${PACKAGE} package to install; pass \`qemu-img: <path>\` to a qemu-img binary instead`
      );
    return version;
  }
  /** `dpkg --print-architecture`, part of the cache key. */
  async architecture() {
    const r = await this.run("dpkg", ["--print-architecture"]);
    if (!succeeded(r) || !r.stdout.trim())
      throw new ProvisionError(`qemu-img: auto could not read the dpkg architecture: ${tail(r)}`);
    return r.stdout.trim();
  }
  /**
   * Downloads qemu-utils and the dependencies this machine lacks (no
   * recommends: qemu-block-extra only adds network block drivers) into
   * `dir`, which then holds exactly the .deb files to cache. `--reinstall`
   * makes apt fetch qemu-utils even where the package is installed but its
   * qemu-img is not on PATH. apt downloads into a scratch archive directory
   * (it needs its own `partial/` and lock file there) and only the .deb files
   * are copied out.
   */
  async download(dir) {
    const scratch = await mkdtemp4(path18.join(os2.tmpdir(), "idf-apt-"));
    try {
      await chmod(scratch, 493);
      await mkdir6(path18.join(scratch, "partial"), { recursive: true });
      await this.withFreshIndex(
        `download ${PACKAGE}`,
        () => this.apt("apt-get", [
          "install",
          "-y",
          "--no-install-recommends",
          "--reinstall",
          "--download-only",
          ...LOCK_WAIT,
          "-o",
          `Dir::Cache::archives=${scratch}`,
          PACKAGE
        ])
      );
      await mkdir6(dir, { recursive: true });
      for (const name of await readdir(scratch))
        if (name.endsWith(".deb")) await copyFile5(path18.join(scratch, name), path18.join(dir, name));
    } finally {
      await rm4(scratch, { recursive: true, force: true });
    }
    const debs = await debFiles(dir);
    if (debs.length === 0)
      throw new ProvisionError(
        `qemu-img: auto could not download ${PACKAGE}: apt fetched no .deb files`
      );
    return debs;
  }
  /**
   * Installs .deb files; apt resolves any dependency the image lacks from
   * the archive, and a package already at that version is left alone.
   */
  async install(debs) {
    await this.withFreshIndex(
      `install ${PACKAGE}`,
      () => this.apt("apt-get", ["install", "-y", "--no-install-recommends", ...LOCK_WAIT, ...debs])
    );
  }
  /** Where the installed package put qemu-img (not looked up on PATH, which may not hold it). */
  async installedQemuImg() {
    const r = await this.run("dpkg-query", ["-L", PACKAGE]);
    const file = r.stdout.split("\n").find((l) => /\/bin\/qemu-img$/.test(l.trim()));
    if (!succeeded(r) || !file)
      throw new ProvisionError(
        `qemu-img: auto installed ${PACKAGE} but dpkg lists no qemu-img in it: ${tail(r)}`
      );
    return file.trim();
  }
};
async function debFiles(dir) {
  try {
    return (await readdir(dir)).filter((n) => n.endsWith(".deb")).sort().map((n) => path18.join(dir, n));
  } catch {
    return [];
  }
}

// src/qemu/find.ts
import { accessSync, constants as constants2, realpathSync, statSync } from "node:fs";
import path19 from "node:path";
var VERSION_TIMEOUT_MS = 15e3;
function isExecutableFile(file) {
  try {
    if (!statSync(file).isFile()) return false;
    accessSync(file, constants2.X_OK);
    return true;
  } catch {
    return false;
  }
}
function findExecutable(name, pathEnv) {
  for (const dir of pathEnv.split(path19.delimiter)) {
    if (!dir) continue;
    const file = path19.resolve(dir, name);
    if (isExecutableFile(file)) return file;
  }
  return null;
}
function qemuIoBeside(qemuImg) {
  const candidates = [path19.join(path19.dirname(qemuImg), "qemu-io")];
  try {
    candidates.push(path19.join(path19.dirname(realpathSync(qemuImg)), "qemu-io"));
  } catch {
  }
  return candidates.find(isExecutableFile) ?? null;
}
async function verifyQemuImg(file, run = setupRunner({ timeoutMs: VERSION_TIMEOUT_MS })) {
  const qemuImg = path19.resolve(file);
  let isDir;
  try {
    isDir = statSync(qemuImg).isDirectory();
  } catch {
    return { problem: "does not exist" };
  }
  if (isDir) return { problem: "is a directory, not the qemu-img binary" };
  if (!isExecutableFile(qemuImg)) return { problem: "is not executable" };
  const r = await run(qemuImg, ["--version"]);
  if (r.timedOut)
    return { problem: `does not run: \`--version\` took over ${VERSION_TIMEOUT_MS / 1e3} s` };
  if (!succeeded(r)) {
    const why = firstLine(r.stderr) || firstLine(r.stdout);
    const status = r.signal ? `was killed by ${r.signal}` : `exited ${r.exitCode}`;
    return { problem: `does not run: \`--version\` ${status}${why ? `: ${why}` : ""}` };
  }
  if (!/^qemu-img version \d+\.\d+/m.test(r.stdout))
    return {
      problem: `is not qemu-img: \`--version\` printed "${firstLine(r.stdout).slice(0, 120)}"`
    };
  const qemuIo = qemuIoBeside(qemuImg);
  if (!qemuIo)
    return {
      problem: `has no qemu-io beside it (looked in ${path19.dirname(qemuImg)}); qemu-io comes from the same package and the campaign needs it`
    };
  return { qemuImg, qemuIo, version: parseQemuVersion(r.stdout) };
}

// src/qemu/provision.ts
var APT_TIMEOUT_MS = 15 * 6e4;
function readOsRelease() {
  for (const file of ["/etc/os-release", "/usr/lib/os-release"])
    if (existsSync(file)) return readFileSync3(file, "utf8");
  return null;
}
function systemEnv(log = () => {
}, debug) {
  return {
    path: process.env.PATH ?? "",
    isRoot: process.getuid?.() === 0,
    osRelease: readOsRelease(),
    which: (name) => findExecutable(name, process.env.PATH ?? ""),
    run: setupRunner({ timeoutMs: APT_TIMEOUT_MS, debug }),
    probe: setupRunner({ timeoutMs: VERSION_TIMEOUT_MS, debug }),
    // RUNNER_TEMP is the same path on every run of a runner image, which the
    // cache needs: the restored archive is unpacked where it was made.
    debDir: path20.join(process.env.RUNNER_TEMP || os3.tmpdir(), "instar-diff-fuzz-qemu-debs"),
    warn: (line2) => log(`warning: ${line2}`),
    debug
  };
}
var ACCEPTED = "a path to a qemu-img binary that runs (with qemu-io beside it), or `auto` to use the one on PATH or install qemu-utils through apt";
function elapsed(started) {
  return Math.round((performance.now() - started) / 100) / 10;
}
function label(q) {
  return `${q.qemuImg} (${q.version.text})`;
}
async function provisionQemu(input, log = () => {
}, overrides = {}) {
  const started = performance.now();
  const env = { ...systemEnv(log, overrides.debug), ...overrides };
  const notes = [];
  const warnings = [];
  const warn = (line2) => {
    warnings.push(line2);
    notes.push(`warning: ${line2}`);
    env.warn(line2);
  };
  const done = (q2, source, cacheHit, how) => {
    const seconds = elapsed(started);
    notes.unshift(`qemu-img: ${label(q2)}, ${how}, in ${seconds} s`);
    log(`qemu-img: ${label(q2)}, ${how}, in ${seconds} s`);
    return { ...q2, source, cacheHit, seconds, notes, warnings };
  };
  const wanted = input.trim();
  if (wanted !== "" && wanted !== "auto") {
    const q2 = await verifyQemuImg(wanted, env.probe);
    if ("problem" in q2)
      throw new ProvisionError(`qemu-img: "${wanted}" ${q2.problem}; accepted: ${ACCEPTED}`);
    return done(q2, "given", false, "as given");
  }
  const onPath = findExecutable("qemu-img", env.path);
  if (onPath) {
    const q2 = await verifyQemuImg(onPath, env.probe);
    if (!("problem" in q2)) return done(q2, "path", false, "found on PATH");
    log(`qemu-img on PATH (${onPath}) ${q2.problem}: installing ${PACKAGE} instead`);
    notes.push(`qemu-img on PATH (${onPath}) ${q2.problem}`);
  } else {
    log("no qemu-img on PATH: installing qemu-utils through apt");
  }
  const apt = await aptFor(env, log);
  const candidate = await apt.candidate();
  const { key, restored, debs, fromCache: fromCache2 } = await installDebs(env, apt, candidate, log, warn);
  const q = await verifyQemuImg(await apt.installedQemuImg(), env.probe);
  if ("problem" in q)
    throw new ProvisionError(
      `qemu-img: auto installed ${PACKAGE} ${candidate} but its qemu-img ${q.problem}; pass \`qemu-img: <path>\` instead`
    );
  notes.push(`cache key: ${key}`);
  if (!restored.hit && restored.usable) {
    const { saveDebs } = await import("./cache-TIM3CO42.js");
    await saveDebs(env.debDir, key, log, warn);
  }
  const packages = `${debs.length} package${debs.length === 1 ? "" : "s"}`;
  return fromCache2 ? done(
    q,
    "cache",
    true,
    `installed ${PACKAGE} ${candidate} from the Actions cache (${packages})`
  ) : done(
    q,
    "apt",
    false,
    `installed ${PACKAGE} ${candidate} through apt (${packages} downloaded)`
  );
}
async function installDebs(env, apt, candidate, log, warn) {
  const arch = await apt.architecture();
  const key = debCacheKey({ os: parseOsRelease(env.osRelease ?? ""), arch, candidate });
  log(`cache key: ${key}`);
  await rm5(env.debDir, { recursive: true, force: true });
  await mkdir7(env.debDir, { recursive: true });
  const { restoreDebs } = await import("./cache-TIM3CO42.js");
  const restored = await restoreDebs(env.debDir, key, log, warn);
  const cached = restored.hit ? await debFiles(env.debDir) : [];
  if (cached.length > 0) {
    log(`restored ${cached.length} packages from the Actions cache`);
    try {
      await apt.install(cached);
      return { key, restored, debs: cached, fromCache: true };
    } catch (error) {
      warn(
        `the cached qemu-utils packages did not install (${error.message}): downloading them again`
      );
      await rm5(env.debDir, { recursive: true, force: true });
    }
  }
  const debs = await apt.download(env.debDir);
  log(`downloaded ${debs.length} packages: ${debs.map((d) => path20.basename(d)).join(", ")}`);
  await apt.install(debs);
  return { key, restored, debs, fromCache: false };
}
async function aptFor(env, log) {
  const release = env.osRelease === null ? null : parseOsRelease(env.osRelease);
  const system = release ? release.id || "this Linux" : process.platform;
  if (!release || !isDebianLike(release) || !env.which("apt-get") || !env.which("dpkg"))
    throw new ProvisionError(
      `qemu-img: auto found no qemu-img on PATH and cannot install one: ${system} is not a Debian/Ubuntu runner with apt; install qemu-img in an earlier step, or pass \`qemu-img: <path>\``
    );
  if (!env.isRoot) {
    const sudo = env.which("sudo");
    const works = sudo !== null && succeeded(await env.run(sudo, ["-n", "true"]));
    if (!works)
      throw new ProvisionError(
        `qemu-img: auto found no qemu-img on PATH and cannot install qemu-utils: the runner user is not root and has no password-less sudo; install qemu-img in an earlier step, or pass \`qemu-img: <path>\``
      );
  }
  return new Apt(env.run, env.isRoot, log);
}

// src/inputs.ts
import { accessSync as accessSync2, constants as constants3, statSync as statSync2 } from "node:fs";
import os4 from "node:os";
import path21 from "node:path";
var InputError = class extends Error {
  constructor(message2) {
    super(message2);
    this.name = "InputError";
  }
};
var SEED_MAX = 4294967295;
var TIMEOUT_MAX = 86400;
var JOBS_MAX = 1024;
var LABEL_MAX = 50;
var DURATION_FORMS = "<n>s, <n>m, <n>h or plain seconds (e.g. 90s, 10m, 1h, 3600)";
var OPERATIONS_ACCEPTED = `all, or a comma-separated list of ${OPERATION_NAMES.join(", ")}`;
var ESCAPES = { "\n": "\\n", "\r": "\\r", "	": "\\t" };
function shown(value) {
  const escaped = value.replace(
    // eslint-disable-next-line no-control-regex
    /[\x00-\x1f\x7f\u2028\u2029]/g,
    (c) => ESCAPES[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`
  );
  return escaped.length > 120 ? `${escaped.slice(0, 117)}...` : escaped;
}
function invalid(name, value, accepted) {
  return new InputError(`Invalid input '${name}': '${shown(value)}' \u2014 ${accepted}`);
}
function wholeNumber(value) {
  if (!/^\d+$/.test(value)) return null;
  const n = Number(value);
  return Number.isSafeInteger(n) ? n : null;
}
function integerInput(name, value, min, max) {
  const n = wholeNumber(value);
  if (n === null || n < min || n > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `${min} or more` : `${min} to ${max}`;
    throw invalid(name, value, `use a whole number, ${range}`);
  }
  return n;
}
var UNIT_SECONDS = { "": 1, s: 1, m: 60, h: 3600 };
function durationToSeconds(value) {
  const match = /^(\d+)([smh]?)$/.exec(value);
  if (!match) return null;
  const n = wholeNumber(match[1]);
  if (n === null) return null;
  const seconds = n * UNIT_SECONDS[match[2]];
  return Number.isSafeInteger(seconds) ? seconds : null;
}
function durationInput(name, value, max) {
  const seconds = durationToSeconds(value);
  if (seconds === null) throw invalid(name, value, `use ${DURATION_FORMS}`);
  if (seconds <= 0) throw invalid(name, value, `must be more than 0 seconds; use ${DURATION_FORMS}`);
  if (seconds > max) throw invalid(name, value, `must be at most ${max} seconds`);
  return seconds;
}
function booleanInput(name, value) {
  if (["true", "True", "TRUE"].includes(value)) return true;
  if (["false", "False", "FALSE"].includes(value)) return false;
  throw invalid(name, value, "use true or false");
}
function choiceInput(name, value, choices) {
  const lower = value.toLowerCase();
  const found = choices.find((c) => c === lower);
  if (found === void 0) throw invalid(name, value, `use one of ${choices.join(", ")}`);
  return found;
}
function listItems(value) {
  return value.split(/[,\n]/).map((item) => item.trim()).filter((item) => item !== "");
}
function operationsInput(value) {
  const items = listItems(value.toLowerCase());
  if (items.includes("all")) return [...OPERATION_NAMES];
  if (items.length === 0)
    throw invalid("operations", value, `no operation named; accepted: ${OPERATIONS_ACCEPTED}`);
  const unknown = items.find((item) => !OPERATION_NAMES.includes(item));
  if (unknown !== void 0)
    throw invalid(
      "operations",
      value,
      `unknown operation '${shown(unknown)}'; accepted: ${OPERATIONS_ACCEPTED}`
    );
  return OPERATION_NAMES.filter((name) => items.includes(name));
}
function labelsInput(value) {
  const labels = [...new Set(listItems(value))];
  if (labels.length === 0)
    throw invalid(
      "labels",
      value,
      "give at least one label (comma-separated, e.g. differential-fuzz)"
    );
  const long = labels.find((label2) => label2.length > LABEL_MAX);
  if (long !== void 0)
    throw invalid(
      "labels",
      value,
      `label '${shown(long)}' is longer than GitHub's ${LABEL_MAX} characters`
    );
  return labels;
}
function jobsInput(value) {
  const jobs = integerInput("jobs", value, 0, JOBS_MAX);
  return jobs === 0 ? os4.availableParallelism() : jobs;
}
function shardInput(value) {
  const match = /^(\d+)\s*\/\s*(\d+)$/.exec(value);
  const index = match ? wholeNumber(match[1]) : null;
  const count2 = match ? wholeNumber(match[2]) : null;
  if (index === null || count2 === null || index < 1 || index > count2)
    throw invalid("shard", value, "use i/n with 1 <= i <= n (e.g. 1/4)");
  return { index, count: count2 };
}
function instarInput(value) {
  const what = "give the path to the instar binary";
  if (value === "") throw invalid("instar", value, `required; ${what} (e.g. target/release/instar)`);
  const file = path21.resolve(value);
  let isFile;
  try {
    isFile = statSync2(file).isFile();
  } catch {
    throw invalid("instar", value, `no such file; ${what}`);
  }
  if (!isFile) throw invalid("instar", value, `not a file; ${what}`);
  try {
    accessSync2(file, constants3.X_OK);
  } catch {
    throw invalid("instar", value, `not executable; ${what} (chmod +x it)`);
  }
  return file;
}
function qemuImgInput(value) {
  return value.toLowerCase() === "auto" ? "auto" : path21.resolve(value);
}
function seedInput(value) {
  return value === "" ? null : integerInput("seed", value, 0, SEED_MAX);
}
function reportDirInput(value) {
  if (value !== "") return path21.resolve(value);
  return path21.join(process.env.RUNNER_TEMP || os4.tmpdir(), "instar-diff-fuzz");
}
var RETENTION_MAX = 90;
function retentionDaysInput(value) {
  return value === "" ? null : integerInput("retention-days", value, 1, RETENTION_MAX);
}
var ARTIFACT_NAME_FORBIDDEN = /[":<>|*?\\/\r\n]/;
function artifactNameInput(value) {
  if (ARTIFACT_NAME_FORBIDDEN.test(value))
    throw invalid(
      "artifact-name",
      value,
      'use a name without " : < > | * ? \\ / or line breaks (e.g. instar-diff-fuzz)'
    );
  return value;
}
var INPUT_DEFAULTS = {
  "qemu-img": "auto",
  duration: "10m",
  iterations: "0",
  seed: "",
  operations: "all",
  timeout: "30",
  jobs: "0",
  shard: "1/1",
  minimize: "true",
  "file-issues": "true",
  token: "",
  labels: "differential-fuzz",
  "max-new-issues": "10",
  "on-closed": "reopen",
  "fail-on": "new",
  "report-dir": "",
  "verify-open": "true",
  "close-fixed": "false",
  "upload-artifact": "true",
  "retention-days": "",
  "artifact-name": "instar-diff-fuzz",
  steer: "coverage",
  "coverage-file": ""
};
function issueInputs(input) {
  return {
    fileIssues: booleanInput("file-issues", input("file-issues")),
    token: input("token"),
    labels: labelsInput(input("labels")),
    maxNewIssues: integerInput(
      "max-new-issues",
      input("max-new-issues"),
      0,
      Number.MAX_SAFE_INTEGER
    ),
    onClosed: choiceInput("on-closed", input("on-closed"), [
      "reopen",
      "comment",
      "ignore"
    ]),
    failOn: choiceInput("fail-on", input("fail-on"), ["new", "any", "never"])
  };
}
function inputReader(get, defaults) {
  return (name) => {
    const value = get(name).trim();
    return value === "" ? defaults[name] ?? "" : value;
  };
}
function parseInputs(get) {
  const input = inputReader(get, INPUT_DEFAULTS);
  return {
    instar: instarInput(input("instar")),
    qemuImg: qemuImgInput(input("qemu-img")),
    durationSeconds: durationInput("duration", input("duration"), Number.MAX_SAFE_INTEGER),
    iterations: integerInput("iterations", input("iterations"), 0, Number.MAX_SAFE_INTEGER),
    seed: seedInput(input("seed")),
    operations: operationsInput(input("operations")),
    timeoutSeconds: durationInput("timeout", input("timeout"), TIMEOUT_MAX),
    jobs: jobsInput(input("jobs")),
    shard: shardInput(input("shard")),
    minimize: booleanInput("minimize", input("minimize")),
    ...issueInputs(input),
    reportDir: reportDirInput(input("report-dir")),
    uploadArtifact: booleanInput("upload-artifact", input("upload-artifact")),
    retentionDays: retentionDaysInput(input("retention-days")),
    artifactName: artifactNameInput(input("artifact-name")),
    verifyOpen: booleanInput("verify-open", input("verify-open")),
    closeFixed: booleanInput("close-fixed", input("close-fixed")),
    steer: choiceInput("steer", input("steer"), ["coverage", "uniform"]),
    coverageFile: input("coverage-file") === "" ? null : path21.resolve(input("coverage-file"))
  };
}

// src/app/coverage.ts
import { readFileSync as readFileSync4 } from "node:fs";
import { mkdir as mkdir9, readFile, rm as rm7 } from "node:fs/promises";
import os5 from "node:os";
import path23 from "node:path";

// src/util/write-whole.ts
import { mkdir as mkdir8, rename, rm as rm6, writeFile as writeFile2 } from "node:fs/promises";
import path22 from "node:path";
async function writeWhole(file, text) {
  await mkdir8(path22.dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  try {
    await writeFile2(tmp, text);
    await rename(tmp, file);
  } catch (error) {
    await rm6(tmp, { force: true });
    throw error;
  }
}

// src/app/coverage.ts
var KEY_PREFIX = "instar-diff-fuzz-coverage-v1";
var FILE = "coverage.json";
function part(name) {
  return name.replace(/[^A-Za-z0-9._/-]/g, "_");
}
function defaultBranch(env) {
  try {
    const event = JSON.parse(readFileSync4(env.GITHUB_EVENT_PATH ?? "", "utf8"));
    const name = event.repository?.default_branch;
    return typeof name === "string" && name !== "" ? name : "main";
  } catch {
    return "main";
  }
}
function coverageCacheKeys(env, shard) {
  const branch = part(env.GITHUB_HEAD_REF || env.GITHUB_REF_NAME || "local");
  const base = env.GITHUB_BASE_REF ? part(env.GITHUB_BASE_REF) : null;
  const main = part(defaultBranch(env));
  const set = `${shard.index}of${shard.count}`;
  const branches = [.../* @__PURE__ */ new Set([branch, ...base ? [base] : [], main])];
  const restoreKeys = [
    ...branches.map((b) => `${KEY_PREFIX}:${b}:${set}:`),
    ...[.../* @__PURE__ */ new Set([branch, main])].map((b) => `${KEY_PREFIX}:${b}:`)
  ];
  const run = `${env.GITHUB_RUN_ID || Date.now()}-${env.GITHUB_RUN_ATTEMPT || 1}`;
  return { key: `${KEY_PREFIX}:${branch}:${set}:${run}`, restoreKeys };
}
async function readMap(file) {
  let text;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    if (error.code === "ENOENT") return null;
    return error.message;
  }
  try {
    return parseCoverage(JSON.parse(text));
  } catch (error) {
    return `not JSON (${error.message})`;
  }
}
async function fromCache(env, inputs, log, warn) {
  const dir = path23.join(env.RUNNER_TEMP || os5.tmpdir(), "instar-diff-fuzz-coverage");
  const { key, restoreKeys } = coverageCacheKeys(env, inputs.shard);
  await rm7(dir, { recursive: true, force: true });
  await mkdir9(dir, { recursive: true });
  const { restoreFromCache } = await import("./actions-cache-WBZ4VWYY.js");
  const restored = await restoreFromCache([dir], key, restoreKeys);
  if (restored.kind === "absent") {
    await rm7(dir, { recursive: true, force: true });
    log("coverage: no Actions cache service here, so the map starts empty and is not kept");
    return { map: null, from: null, store: null };
  }
  if (restored.kind === "failed") {
    warn(`${restored.reason}: the coverage map starts from empty this run`);
    return { map: null, from: null, store: { kind: "cache", dir, key, failedAtStart: true } };
  }
  if (restored.matchedKey === null) {
    log(`coverage: no map in the Actions cache yet (looked for ${restoreKeys.join(", ")})`);
    return { map: null, from: null, store: { kind: "cache", dir, key } };
  }
  const map3 = await readMap(path23.join(dir, FILE));
  if (typeof map3 === "string" || map3 === null) {
    warn(
      `the coverage map restored from ${restored.matchedKey} is unusable (${map3 ?? "no file"}): it starts from empty this run`
    );
    return { map: null, from: null, store: { kind: "cache", dir, key } };
  }
  return { map: map3, from: `cache key ${restored.matchedKey}`, store: { kind: "cache", dir, key } };
}
async function fromFile(file, warn) {
  const map3 = await readMap(file);
  if (typeof map3 === "string")
    warn(`the coverage file ${file} is unusable (${map3}): it starts from empty and is overwritten`);
  const usable = typeof map3 === "string" ? null : map3;
  return { map: usable, from: usable ? `file ${file}` : null, store: { kind: "file", file } };
}
async function startCoverage(inputs, env, log, warn) {
  const got = await (inputs.coverageFile ? fromFile(inputs.coverageFile, warn) : fromCache(env, inputs, log, warn)).catch((error) => {
    warn(`the coverage map could not be restored (${error.message}): it starts from empty`);
    return { map: null, from: null, store: null };
  });
  const restored = got.map ? pruneCoverage(got.map, coverageDomain()) : emptyCoverage();
  const space = coverageSpace(inputs.operations);
  const table = inputs.steer === "coverage" ? steeringWeights(restored, space, inputs.operations) : {};
  const weights = Object.keys(table).length > 0 ? table : null;
  if (got.from) log(`coverage: restored ${restored.campaigns} runs' map from ${got.from}`);
  log(
    weights ? `coverage: steering the pickers of ${Object.keys(weights).join(", ")} towards what ran least` : `coverage: the pickers draw as written (steer: ${inputs.steer}${inputs.steer === "coverage" ? ", nothing ran yet" : ""})`
  );
  return {
    info: { steer: inputs.steer, weights, restoredFrom: got.from, restored, space },
    store: got.store
  };
}
async function saveCoverage(start, run, ports, warn) {
  const { store } = start;
  if (store)
    await ports.group("Coverage map", () => keep(store, start.info.restored, run, ports.log, warn));
}
async function keep(store, restored, run, log, warn) {
  const text = JSON.stringify(mergeCoverage(restored, run));
  try {
    if (store.kind === "file") {
      await writeWhole(store.file, text);
      return log(`coverage: the map is in ${store.file}`);
    }
    await writeWhole(path23.join(store.dir, FILE), text);
  } catch (error) {
    return warn(`the coverage map could not be written (${error.message})`);
  }
  const { saveToCache } = await import("./actions-cache-WBZ4VWYY.js");
  const saved = await saveToCache([store.dir], store.key);
  if (saved.kind === "saved") log(`coverage: saved the map to the Actions cache under ${store.key}`);
  if (saved.kind === "taken") log(`coverage: ${store.key} was already saved`);
  if (saved.kind !== "failed") return;
  const say = store.failedAtStart ? log : warn;
  say(`${saved.reason}: the coverage map of this run was not kept`);
}
async function readWeights(file) {
  const bad = (why) => new InputError(
    `Invalid input 'weights': '${file}' \u2014 ${why}; give the summary.json or findings/<fingerprint>.json of the steered run`
  );
  let doc;
  try {
    doc = JSON.parse(await readFile(file, "utf8"));
  } catch (error) {
    throw bad(error.message);
  }
  const weights = parseWeights(doc);
  if (typeof weights === "string") throw bad(weights);
  return weights;
}

// src/app/action-version.ts
import path24 from "node:path";
import { fileURLToPath } from "node:url";
var FULL_SHA = /^[0-9a-f]{40}$/i;
function checkout(server, repository, ref2) {
  return [
    shellCommand(["git", "clone", `${server}/${repository}`, "instar-diff-fuzz"]),
    "cd instar-diff-fuzz",
    shellCommand(["git", "checkout", ref2])
  ].join(" && ");
}
function actionVersion(env, actionFile = fileURLToPath(import.meta.url)) {
  const server = env.GITHUB_SERVER_URL || "https://github.com";
  const own = ACTION_LABEL;
  const { GITHUB_ACTION_REPOSITORY: repository, GITHUB_ACTION_REF: ref2 } = env;
  if (repository && ref2) {
    const commit3 = FULL_SHA.test(ref2) ? ` (commit ${ref2})` : "";
    return {
      label: `${repository}@${ref2}${commit3}, ${own}`,
      checkout: checkout(server, repository, ref2)
    };
  }
  const { GITHUB_WORKSPACE: workspace, GITHUB_REPOSITORY: repo, GITHUB_SHA: sha } = env;
  if (workspace && repo && sha && !path24.relative(workspace, actionFile).startsWith(".."))
    return {
      label: `${repo}@${sha} (commit ${sha}), ${own}`,
      checkout: checkout(server, repo, sha)
    };
  return { label: own };
}

// src/app/settings.ts
import os6 from "node:os";
import path25 from "node:path";
function campaignConfig(inputs, qemu, seed, signal, log, env = process.env) {
  return {
    seed,
    shard: inputs.shard,
    operations: inputs.operations,
    jobs: inputs.jobs,
    iterations: inputs.iterations,
    durationSeconds: inputs.durationSeconds,
    timeoutSeconds: inputs.timeoutSeconds,
    minimize: inputs.minimize,
    paths: { instar: inputs.instar, qemuImg: qemu.qemuImg, qemuIo: qemu.qemuIo },
    qemuVersion: qemu.version,
    workRoot: path25.join(env.RUNNER_TEMP || os6.tmpdir(), "instar-diff-fuzz-work"),
    signal,
    log
  };
}
function replayCommand(inputs, at, instarPath, weightsFile) {
  const args = [
    "node",
    "dist/cli.js",
    "replay",
    "--instar",
    instarPath,
    "--seed",
    String(at.seed),
    "--iteration",
    String(at.iteration)
  ];
  const all = inputs.operations.length === OPERATION_NAMES.length && OPERATION_NAMES.every((o) => inputs.operations.includes(o));
  if (!all) args.push("--operations", inputs.operations.join(","));
  if (inputs.timeoutSeconds !== 30) args.push("--timeout", String(inputs.timeoutSeconds));
  if (weightsFile) args.push("--weights", weightsFile);
  return shellCommand(args);
}
function replayForRun(info3) {
  const { instarPath, weightsFile } = info3;
  if (instarPath === void 0) return void 0;
  return (at) => replayCommand(info3, at, instarPath, weightsFile);
}
function runInfo(inputs, qemu, result, extra) {
  const weightsFile = extra.coverage.weights !== null ? path25.join(inputs.reportDir, "summary.json") : void 0;
  return {
    instarPath: extra.instarPath,
    weightsFile,
    operations: inputs.operations,
    timeoutSeconds: inputs.timeoutSeconds,
    durationSeconds: inputs.durationSeconds,
    jobs: inputs.jobs,
    minimize: inputs.minimize,
    qemuImg: {
      path: qemu.qemuImg,
      source: qemu.source,
      cacheHit: qemu.cacheHit,
      seconds: qemu.seconds
    },
    runUrl: extra.runUrl,
    replayCommands: Object.fromEntries(
      result.findings.map((f) => [
        f.fingerprint,
        replayCommand(inputs, f.occurrences[0], extra.instarPath, weightsFile)
      ])
    ),
    setupNotes: extra.setupNotes,
    warnings: extra.warnings,
    verification: extra.verification ?? null,
    artifact: extra.artifact ?? null,
    apiRequests: extra.apiRequests ?? 0,
    coverage: extra.coverage
  };
}

// src/app/signals.ts
function cancelOnSignals(log) {
  const controller = new AbortController();
  const onSignal = (signal) => {
    if (controller.signal.aborted) return;
    log(
      `received ${signal}: stopping (no new tool call, no new issue) and writing the reports of what finished`
    );
    controller.abort();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  return controller;
}

// src/findings/report.ts
import { mkdir as mkdir10 } from "node:fs/promises";
import path26 from "node:path";

// src/findings/coverage-report.ts
function operationView(name, space, restored, run) {
  const before = restored.operations[name];
  const now = run.operations[name];
  const cells = space[name] ?? { values: [], pairs: [] };
  const ran = (kind, c) => (before?.[kind][c]?.runs ?? 0) + (now?.[kind][c]?.runs ?? 0) > 0;
  const share = (kind) => ({
    covered: cells[kind].filter((c) => ran(kind, c)).length,
    total: cells[kind].length
  });
  const fresh = (kind) => Object.keys(now?.[kind] ?? {}).filter((c) => !(before?.[kind][c]?.runs ?? 0)).length;
  const diverged = /* @__PURE__ */ new Map();
  for (const op of [before, now])
    for (const [c, s] of Object.entries(op?.values ?? {}))
      if (s.divergences > 0) diverged.set(c, (diverged.get(c) ?? 0) + s.divergences);
  return {
    values: share("values"),
    pairs: share("pairs"),
    new: fresh("values") + fresh("pairs"),
    neverRun: [
      ...cells.values.filter((c) => !ran("values", c)),
      ...cells.pairs.filter((c) => !ran("pairs", c))
    ],
    diverged: [...diverged].sort((a, b) => b[1] - a[1])
  };
}
function coverageViews(info3, run) {
  return Object.fromEntries(
    Object.keys(info3.space).map((name) => [name, operationView(name, info3.space, info3.restored, run)])
  );
}
function coverageDocument(info3, run) {
  return {
    steer: info3.steer,
    restored_from: info3.restoredFrom,
    operations: Object.fromEntries(
      Object.entries(coverageViews(info3, run)).map(([name, v]) => [
        name,
        {
          values: v.values,
          pairs: v.pairs,
          new: v.new,
          never_run: v.neverRun,
          diverged: Object.fromEntries(v.diverged)
        }
      ])
    ),
    run,
    accumulated: mergeCoverage(info3.restored, run)
  };
}
var LISTED = 4;
function percent(s) {
  if (s.total === 0) return "\u2013";
  return `${s.covered}/${s.total} (${Math.floor(s.covered / s.total * 100)}%)`;
}
function listed(cells, more) {
  if (cells.length === 0) return "\u2013";
  const shown2 = cells.slice(0, LISTED).map((c) => `\`${c}\``);
  const rest = cells.length - shown2.length;
  return rest > 0 ? `${shown2.join(", ")} +${rest} ${more}` : shown2.join(", ");
}
function sum(views, kind) {
  return {
    covered: views.reduce((a, v) => a + v[kind].covered, 0),
    total: views.reduce((a, v) => a + v[kind].total, 0)
  };
}
function coverageSection(info3, run) {
  const views = coverageViews(info3, run);
  const list = Object.values(views);
  const campaigns = info3.restored.campaigns + run.campaigns;
  const from = info3.restoredFrom ? `accumulated over ${campaigns} runs (restored from ${info3.restoredFrom})` : "this run only (nothing was restored)";
  const steer = info3.weights ? "steered towards what ran least" : `steer: ${info3.steer}`;
  const fresh = list.reduce((a, v) => a + v.new, 0);
  const lines = [
    "### Coverage of the option space",
    "",
    `Knob values ${percent(sum(list, "values"))} and pairs of values ${percent(sum(list, "pairs"))} of what the pickers can draw have run, ${from}; ${fresh} cell${fresh === 1 ? "" : "s"} ran for the first time in this run (${steer}). Every cell is in \`summary.json\` \`coverage\`.`,
    "",
    "| operation | values | pairs | new | never run | diverged |",
    "| --- | ---: | ---: | ---: | --- | --- |"
  ];
  for (const [name, v] of Object.entries(views)) {
    const diverged = v.diverged.map(([c, n]) => `${c} \xD7${n}`);
    lines.push(
      `| ${name} | ${percent(v.values)} | ${percent(v.pairs)} | ${v.new} | ${listed(v.neverRun, "more")} | ${listed(diverged, "more")} |`
    );
  }
  return [...lines, ""];
}

// src/findings/verification.ts
function entry(i) {
  const { number, url, fingerprint: fingerprint2, tries, action, reason } = i;
  return reason === void 0 ? { number, url, fingerprint: fingerprint2, tries, action } : { number, url, fingerprint: fingerprint2, tries, action, reason };
}
function withVerdict(v, verdict) {
  return v.issues.filter((i) => i.verdict === verdict);
}
function isVerificationDocument(v) {
  return isObject(v) && Array.isArray(v.still_reproduces);
}
function verificationDocument(v) {
  const of = (verdict) => withVerdict(v, verdict).map(entry);
  return {
    close_fixed: v.closeFixed,
    written: v.written,
    budget_seconds: v.budgetSeconds,
    seconds: v.seconds,
    still_reproduces: of("reproduces"),
    no_longer_reproduces: of("fixed"),
    closed: v.issues.filter((i) => i.action === "closed").map((i) => i.number),
    undecided: of("undecided"),
    skipped: of("skipped")
  };
}
function mergeVerification(docs) {
  const all = (key) => docs.flatMap((d) => d[key]).sort((a, b) => a.number - b.number);
  return {
    close_fixed: docs.some((d) => d.close_fixed),
    written: docs.every((d) => d.written),
    budget_seconds: Math.max(0, ...docs.map((d) => d.budget_seconds)),
    seconds: Math.round(docs.reduce((s, d) => s + d.seconds, 0) * 10) / 10,
    still_reproduces: all("still_reproduces"),
    no_longer_reproduces: all("no_longer_reproduces"),
    closed: docs.flatMap((d) => d.closed).sort((a, b) => a - b),
    undecided: all("undecided"),
    skipped: all("skipped")
  };
}
function reportFromDocument(doc) {
  const lists = [
    ["reproduces", doc.still_reproduces],
    ["fixed", doc.no_longer_reproduces],
    ["undecided", doc.undecided],
    ["skipped", doc.skipped]
  ];
  const issues = lists.flatMap(([verdict, entries]) => entries.map((e) => ({ ...e, verdict }))).sort((a, b) => a.number - b.number);
  return {
    closeFixed: doc.close_fixed,
    written: doc.written,
    budgetSeconds: doc.budget_seconds,
    seconds: doc.seconds,
    issues
  };
}
function linked(i, withReason) {
  const link = `[#${i.number}](${i.url})`;
  const why = withReason && i.reason ? `: ${prose(i.reason).replace(/\s+/g, " ")}` : "";
  return `${link}${i.action === "failed" ? " (the API refused the update)" : ""}${why}`;
}
function renderVerification(v) {
  const n = (verdict) => withVerdict(v, verdict).length;
  const closed = v.issues.filter((i) => i.action === "closed");
  const lines = [
    "### Verification",
    "",
    `The stored case of each open issue this shard owns was re-run: ${v.issues.length} issue${v.issues.length === 1 ? "" : "s"} in ${v.seconds.toFixed(1)} s of a ${v.budgetSeconds.toFixed(0)} s share of the time box (\`close-fixed: ${v.closeFixed}\`).${v.written ? "" : " The verdicts were not written to the issues: the filing step writes them (`file-issues: false`)."}`,
    "",
    "| still reproduces | no longer reproduces | closed | undecided | skipped |",
    "| ---: | ---: | ---: | ---: | ---: |",
    `| ${n("reproduces")} | ${n("fixed")} | ${closed.length} | ${n("undecided")} | ${n("skipped")} |`,
    ""
  ];
  const list = (label2, issues, reasons) => {
    if (issues.length > 0)
      lines.push(`- **${label2}:** ${issues.map((i) => linked(i, reasons)).join(", ")}`);
  };
  list("Still reproduces", withVerdict(v, "reproduces"), false);
  list("No longer reproduces", withVerdict(v, "fixed"), false);
  list("Closed as completed", closed, false);
  list("Undecided (never closed)", withVerdict(v, "undecided"), true);
  list("Skipped", withVerdict(v, "skipped"), true);
  return [...lines, ""];
}

// src/findings/report.ts
function writeJson(file, value) {
  return writeWhole(file, `${JSON.stringify(value, null, 2)}
`);
}
function steeringOf(run) {
  return run.coverage ? { mode: run.coverage.steer, weights: run.coverage.weights } : void 0;
}
function summaryDocument(result, links, run) {
  const steering = steeringOf(run);
  return {
    version: 1,
    seed: result.seed,
    shard: result.shard,
    started_at: result.startedAt,
    elapsed_seconds: result.elapsedSeconds,
    iterations: result.iterations,
    divergences: result.divergences,
    inconclusive: { total: result.inconclusive.total, by_type: result.inconclusive.byType },
    operations: result.operations,
    findings: result.findings.map((f) => ({
      fingerprint: f.fingerprint,
      type: f.type,
      operation: f.operation,
      target: f.target,
      options: f.options,
      occurrences: f.occurrences.length,
      first: { seed: f.occurrences[0].seed, iteration: f.occurrences[0].iteration },
      status: f.status,
      confirmed: f.confirmed,
      runs: f.runs,
      issue: links.get(f.fingerprint) ?? { number: null, url: null, action: "dry-run" },
      replay: run.replayCommands[f.fingerprint]
    })),
    ...steering && run.coverage && result.coverage ? { steering, coverage: coverageDocument(run.coverage, result.coverage) } : {},
    confirmation: {
      confirm_runs: result.confirmation.confirmRuns,
      minimise_runs: result.confirmation.minimiseRuns,
      attributed: result.confirmation.attributed,
      skipped_known_hangs: result.confirmation.skippedKnownHangs
    },
    iterations_cut_short: result.cutShort,
    stopped_by: result.stoppedBy,
    inconclusive_samples: result.inconclusiveSamples,
    versions: { instar: result.versions.instar, "qemu-img": result.versions.qemuImg },
    qemu_img: run.qemuImg,
    processes: result.spawns,
    resources: result.resources,
    settings: {
      instar: run.instarPath,
      operations: run.operations,
      timeout: run.timeoutSeconds,
      duration: run.durationSeconds,
      jobs: run.jobs,
      minimize: run.minimize
    },
    setup_notes: run.setupNotes,
    run_url: run.runUrl || null,
    verification: run.verification ? verificationDocument(run.verification) : null,
    warnings: run.warnings,
    api_requests: run.apiRequests ?? 0
  };
}
async function writeReports(dir, result, links, run, sections = {}) {
  await mkdir10(path26.join(dir, "findings"), { recursive: true });
  const steering = steeringOf(run);
  for (const f of result.findings) {
    await writeJson(path26.join(dir, "findings", `${f.fingerprint}.json`), {
      ...f,
      issue: links.get(f.fingerprint) ?? { number: null, url: null, action: "dry-run" },
      replay: run.replayCommands[f.fingerprint],
      ...steering ? { steering } : {}
    });
  }
  await writeJson(path26.join(dir, "summary.json"), {
    ...summaryDocument(result, links, run),
    ...sections
  });
}

// src/qemu/kvm.ts
import { accessSync as accessSync3, constants as constants4, existsSync as existsSync2 } from "node:fs";
import { mkdtemp as mkdtemp5, rm as rm8, writeFile as writeFile3 } from "node:fs/promises";
import os7 from "node:os";
import path27 from "node:path";
var KVM_UDEV_RULE = 'KERNEL=="kvm", GROUP="kvm", MODE="0666", OPTIONS+="static_node=kvm"\n';
function canOpen(device) {
  try {
    accessSync3(device, constants4.R_OK | constants4.W_OK);
    return true;
  } catch {
    return false;
  }
}
function systemKvmEnv(debug) {
  return {
    device: "/dev/kvm",
    rulesFile: "/etc/udev/rules.d/99-kvm4all.rules",
    isRoot: process.getuid?.() === 0,
    canOpen,
    run: setupRunner({ timeoutMs: 3e4, debug })
  };
}
var NEEDS_KVM = "instar operations that need KVM (its mutating operations run in a KVM guest) will fail";
async function prepareKvm(log, overrides = {}) {
  const env = { ...systemKvmEnv(overrides.debug), ...overrides };
  if (!existsSync2(env.device))
    return { state: "missing", note: `${env.device} is missing: ${NEEDS_KVM}` };
  if (env.canOpen(env.device)) {
    log(`${env.device} is accessible`);
    return { state: "ok", note: `${env.device} is accessible` };
  }
  log(`${env.device} is not accessible to this user: adding a udev rule for it`);
  const sudo = (argv) => env.isRoot ? [argv[0], argv.slice(1)] : ["sudo", ["-n", ...argv]];
  const scratch = await mkdtemp5(path27.join(os7.tmpdir(), "idf-kvm-"));
  const failures = [];
  try {
    const rule = path27.join(scratch, "kvm.rules");
    await writeFile3(rule, KVM_UDEV_RULE);
    const steps = [
      ["install", "-m", "0644", rule, env.rulesFile],
      ["udevadm", "control", "--reload-rules"],
      ["udevadm", "trigger", "--name-match=kvm"],
      ["udevadm", "settle", "--timeout=10"]
    ];
    for (const step of steps) {
      const r = await env.run(...sudo(step));
      if (!succeeded(r)) {
        failures.push(failureLine(r));
        break;
      }
    }
  } finally {
    await rm8(scratch, { recursive: true, force: true });
  }
  if (env.canOpen(env.device)) {
    log(`${env.device} is accessible after the udev rule`);
    return {
      state: "fixed",
      note: `${env.device} made accessible with a udev rule (${env.rulesFile})`
    };
  }
  const why = failures.length > 0 ? ` (${failures.join("; ")})` : "";
  return {
    state: "inaccessible",
    note: `${env.device} exists but this user cannot open it and the udev rule did not help${why}: ${NEEDS_KVM}`
  };
}

// src/app/artifact.ts
import { readdir as readdir2, rm as rm9 } from "node:fs/promises";
import path28 from "node:path";

// src/app/github-env.ts
function runUrl(env) {
  const { GITHUB_SERVER_URL, GITHUB_REPOSITORY, GITHUB_RUN_ID } = env;
  return GITHUB_SERVER_URL && GITHUB_REPOSITORY && GITHUB_RUN_ID ? `${GITHUB_SERVER_URL}/${GITHUB_REPOSITORY}/actions/runs/${GITHUB_RUN_ID}` : "";
}
function apiTarget(env) {
  const [owner, repo] = env.GITHUB_REPOSITORY.split("/");
  return { owner, repo, apiUrl: env.GITHUB_API_URL || "https://api.github.com" };
}

// src/app/artifact.ts
var SERVICE = "github.actions.results.api.v1.ArtifactService";
function shardArtifactName(prefix, shard) {
  return `${prefix}-${shard.index}-of-${shard.count}`;
}
function parseShardArtifactName(prefix, name) {
  if (!name.startsWith(`${prefix}-`)) return null;
  const m = /^(\d+)-of-(\d+)$/.exec(name.slice(prefix.length + 1));
  if (!m) return null;
  const shard = { index: Number(m[1]), count: Number(m[2]) };
  return shard.index >= 1 && shard.index <= shard.count ? shard : null;
}
function backendIds(token) {
  try {
    const payload = JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString());
    const scope = /(?:^| )Actions\.Results:([^: ]+):([^: ]+)/.exec(String(payload.scp ?? ""));
    return scope ? { run: scope[1], job: scope[2] } : null;
  } catch {
    return null;
  }
}
async function artifactServiceProblem(env) {
  if (isEnterpriseServer(env.GITHUB_SERVER_URL))
    return "GitHub Enterprise Server has no artifact service for @actions/artifact v2+";
  const token = env.ACTIONS_RUNTIME_TOKEN;
  const base = env.ACTIONS_RESULTS_URL;
  if (!token || !base)
    return "there is no Actions runtime token or results URL (not a step on a GitHub runner)";
  const ids = backendIds(token);
  if (!ids) return "the Actions runtime token names no workflow run";
  const body = { workflow_run_backend_id: ids.run, workflow_job_run_backend_id: ids.job };
  const problem = await serviceProblem(...twirpProbe(base, SERVICE, "ListArtifacts", body, token));
  return problem && `the artifact service ${problem}`;
}
function artifactUrl(env, id) {
  const run = runUrl(env);
  return run && `${run}/artifacts/${id}`;
}
async function filesUnder(dir) {
  const entries = await readdir2(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => path28.join(e.parentPath, e.name)).sort();
}
function messageOf(error) {
  return (error instanceof Error ? error.message : String(error)).split("\n")[0];
}
function retention(days, env, log) {
  const cap = Number(env.GITHUB_RETENTION_DAYS);
  if (days === null || !Number.isInteger(cap) || cap <= 0 || days <= cap) return days;
  log(`retention-days ${days} is more than the repository keeps artifacts; using ${cap}`);
  return cap;
}
async function uploadReportArtifact(dir, name, retentionDays, env, log) {
  const unavailable = await artifactServiceProblem(env);
  if (unavailable) return { problem: unavailable };
  try {
    const files = await filesUnder(dir);
    const { DefaultArtifactClient } = await import("./artifact-C73X7YGE.js");
    const client = new DefaultArtifactClient();
    const days = retention(retentionDays, env, log);
    const upload = () => client.uploadArtifact(name, files, dir, days === null ? {} : { retentionDays: days });
    const uploaded = await upload().catch(async (error) => {
      if (!/\(409\)/.test(messageOf(error))) throw error;
      await client.deleteArtifact(name);
      log(`replaced the artifact ${name} an earlier attempt of this job uploaded`);
      return upload();
    });
    const id = uploaded.id ?? 0;
    return { link: { name, id, url: artifactUrl(env, id), bytes: uploaded.size ?? 0 } };
  } catch (error) {
    return { problem: `uploading ${name} failed (${messageOf(error)})` };
  }
}
async function downloadShardArtifacts(prefix, dest, env) {
  const unavailable = await artifactServiceProblem(env);
  if (unavailable) return { unavailable };
  const shards = [];
  const listed2 = [];
  const problems = [];
  try {
    const { DefaultArtifactClient } = await import("./artifact-C73X7YGE.js");
    const client = new DefaultArtifactClient();
    const { artifacts } = await client.listArtifacts({ latest: true });
    for (const a of artifacts.sort((x, y) => x.name.localeCompare(y.name))) {
      const shard = parseShardArtifactName(prefix, a.name);
      if (!shard) continue;
      listed2.push(shard);
      const dir = path28.join(dest, a.name);
      try {
        await rm9(dir, { recursive: true, force: true });
        await client.downloadArtifact(a.id, { path: dir });
        shards.push({ name: a.name, shard, dir });
      } catch (error) {
        problems.push(`downloading ${a.name} failed (${messageOf(error)})`);
      }
    }
  } catch (error) {
    problems.push(`listing this run's artifacts failed (${messageOf(error)})`);
  }
  return { shards, listed: listed2, problems };
}

// src/app/filing.ts
function warningList(ports) {
  const warnings = [];
  const warn = (title, message2, level = "warning") => {
    ports.annotate(level, title, message2);
    warnings.push(message2);
  };
  return { warn, warnings };
}
async function shipReports(inputs, name, ports, warn) {
  if (!inputs.uploadArtifact) return null;
  const upload = await ports.group(
    "Report artifact",
    () => uploadReportArtifact(inputs.reportDir, name, inputs.retentionDays, ports.env, ports.log)
  );
  if ("link" in upload) return upload.link;
  warn(
    "Report artifact",
    `${name} was not uploaded: ${upload.problem}; the reports are in ${inputs.reportDir}`
  );
  return null;
}
function dryRunReason(inputs, env) {
  if (!inputs.fileIssues) return null;
  if (!inputs.token)
    return "no token was given, so no issues were filed (dry run); pass `token:` or grant `issues: write`.";
  if (!env.GITHUB_REPOSITORY)
    return "GITHUB_REPOSITORY is not set, so no issues were filed (dry run).";
  return null;
}
function isNews(link) {
  if (link.action === "created" || link.action === "reopened" || link.action === "capped")
    return true;
  return (link.action === "dry-run" || link.action === "failed" || link.action === "unminimised") && !link.tracked;
}
function failure(inputs, result, links) {
  if (inputs.failOn === "never") return null;
  if (inputs.failOn === "any")
    return result.divergences > 0 ? `${result.divergences} divergences in ${result.findings.length} findings` : null;
  const fresh = [...links.values()].filter(isNews).length;
  return fresh > 0 ? `${fresh} new, regressed or unfiled findings` : null;
}
function unfiledLinks(findings, filing) {
  return new Map(
    findings.map((f) => [
      f.fingerprint,
      {
        number: null,
        url: null,
        action: f.status === "unminimised" ? "unminimised" : filing ? "failed" : "dry-run"
      }
    ])
  );
}
function fileIssues(inputs, report, ports, where) {
  return ports.group("Issues", async () => {
    const filed = await fileThroughTracker(inputs, report, ports, where.signal);
    for (const w of filed.warnings) where.warn("Issues", w);
    return filed;
  });
}
async function fileThroughTracker(inputs, report, ports, signal) {
  const { fileFindings } = await import("./tracker-AHQQSZFH.js");
  const filed = await fileFindings(report.result.findings, {
    token: inputs.token,
    ...apiTarget(ports.env),
    labels: inputs.labels,
    maxNewIssues: inputs.maxNewIssues,
    onClosed: inputs.onClosed,
    runUrl: report.info.runUrl,
    artifactUrl: report.info.artifact?.url,
    seed: report.seed,
    versions: report.result.versions,
    replayCommand: (f) => report.info.replayCommands[f.fingerprint],
    replayFor: replayForRun(report.info),
    reproducer: (f) => reproducerFor(f, report.info.timeoutSeconds) ?? void 0,
    action: actionVersion(ports.env),
    signal,
    log: ports.log,
    debug: ports.debug
  });
  ports.log(`issues: ${filingCounts(filed.links)} in ${filed.requests} GitHub API requests`);
  return filed;
}
function filingCounts(links) {
  const counts = /* @__PURE__ */ new Map();
  for (const l of links.values()) counts.set(l.action, (counts.get(l.action) ?? 0) + 1);
  return [...counts].map(([action, n]) => `${n} ${action}`).join(", ");
}
function cancelledRun(result) {
  const n = result.findings.length;
  return `The run was cancelled: its ${n} finding${n === 1 ? " was" : "s were"} not filed (a cancelled run files nothing); ${n === 1 ? "it is" : "they are"} in the reports and the job summary.`;
}
function reportGuard(dir, result, error) {
  let said2 = false;
  return async (write) => {
    try {
      await write();
    } catch (e) {
      if (said2) return;
      said2 = true;
      const why = e instanceof Error ? e.message : String(e);
      error(
        `could not write the reports to ${dir} (${why}); the ${result.findings.length} findings are in the job summary and filed as issues all the same`
      );
    }
  };
}
function announce(report, ports) {
  for (const f of report.result.findings) {
    const link = report.links.get(f.fingerprint);
    if (!link || !isNews(link)) continue;
    const where = link.url ? ` ${link.url}` : "";
    const title = `${link.action === "reopened" ? "Regression" : "New finding"}: ${f.type}`;
    ports.annotate(
      link.action === "reopened" || link.action === "created" ? "error" : "notice",
      title,
      `${f.operation} ${f.target} [${f.options.join(" ")}] (${f.fingerprint}, ${link.action})${where}: ${f.evidence.summary.slice(0, 300)}`
    );
  }
}

// src/fuzz/recheck.ts
var VERIFY_TRIES = 3;
var OUT_OF_TIME = "out of time: the verification share of the time box was spent";
var undecided = (tries, reason) => ({
  verdict: "undecided",
  tries,
  reason
});
function unreplayable(item, c) {
  if (!isFindingType(item.type) || FINDING_TYPES[item.type].kind !== "divergence")
    return `the issue is about '${item.type}', which this version does not know`;
  if (c) return null;
  return item.stored.schema === CASE_SCHEMA ? `this version cannot replay the case ${item.filedBy} stored` : `the case was stored by ${item.filedBy} with case schema ${item.stored.schema}; this version replays schema ${CASE_SCHEMA}`;
}
async function recheckCase(item, runner) {
  const c = caseFromStored(item.stored);
  const problem = unreplayable(item, c);
  if (problem || !c) return undecided(0, problem ?? "");
  const quiet = FINDING_TYPES[item.type].confirmation === "quiet";
  for (let t = 1; t <= VERIFY_TRIES; t++) {
    let outcome;
    try {
      outcome = quiet ? await runner.alone(c) : await runner.shared(c);
    } catch (error) {
      if (error instanceof Cancelled) return undecided(t - 1, "the run was cancelled");
      if (error instanceof Stopped) return undecided(t - 1, OUT_OF_TIME);
      if (isNoSpace(error)) return undecided(t - 1, "the work folder is full");
      throw error;
    }
    if (outcome.kind === "divergence" && outcome.type === item.type)
      return { verdict: "reproduces", tries: t };
    if (outcome.kind === "divergence")
      return undecided(t, `it now diverges as ${outcome.type}: ${outcome.evidence.summary}`);
    if (outcome.kind === "inconclusive")
      return undecided(t, `${outcome.type}: ${outcome.evidence.summary}`);
    if (outcome.kind === "skip") return undecided(t, `nothing to compare: ${outcome.reason}`);
  }
  return { verdict: "fixed", tries: VERIFY_TRIES };
}
async function recheckAll(items, config) {
  const results = items.map(() => undecided(0, OUT_OF_TIME));
  if (items.length === 0) return results;
  const tools = createToolbox({
    paths: config.paths,
    qemuVersion: config.qemuVersion,
    timeoutMs: config.timeoutSeconds * 1e3,
    deadline: config.deadline,
    signal: config.signal,
    libyal: await detectLibyal()
  });
  const work = await workFolder(config.workRoot, "verify-");
  const root = work.dir;
  const gate = new QuietGate();
  const floor = config.minFreeBytes ?? MIN_FREE_BYTES;
  const runner = {
    shared: (c) => gate.shared(() => runCase(c, root, tools, floor)),
    alone: (c) => gate.exclusive(() => runCase(c, root, tools, floor))
  };
  try {
    await runPool({
      jobs: config.jobs,
      limit: items.length,
      deadline: config.deadline,
      signal: config.signal,
      run: async (k) => {
        results[k] = await recheckCase(items[k], runner);
      }
    });
  } finally {
    await work.remove();
  }
  if (config.signal?.aborted) {
    for (const [k, r] of results.entries())
      if (r.tries === 0 && r.reason === OUT_OF_TIME)
        results[k] = undecided(0, "the run was cancelled");
  }
  return results;
}

// src/app/verification.ts
var VERIFY_SHARE = 0.2;
function timeLeft(config, pending) {
  const spent = pending?.seconds ?? 0;
  return { ...config, durationSeconds: Math.max(0, config.durationSeconds - spent) };
}
function skipped(issue, warn) {
  const reason = issue.stored.kind === "broken" ? `its stored case is unreadable (${issue.stored.why}); was the issue edited?` : "the issue carries no stored case";
  if (issue.stored.kind === "broken")
    warn(
      "Verification",
      `Issue #${issue.number} was not verified: ${reason} It is never closed by verification.`
    );
  return { verdict: "skipped", tries: 0, reason };
}
async function recheckIssues(issues, config, deadline, where) {
  const items = issues.flatMap(
    (i) => i.stored.kind === "found" ? [
      {
        type: i.stored.stored.type,
        stored: i.stored.stored.case,
        filedBy: i.stored.stored.filedBy
      }
    ] : []
  );
  const verdicts = await recheckAll(items, { ...config, deadline });
  const missing = issues.filter((i) => i.stored.kind === "missing").map((i) => `#${i.number}`);
  if (missing.length > 0)
    where.warn(
      "Verification",
      `${missing.length} open issues carry no stored case (filed before cases were stored, or the marker was removed), so they were not verified: ${missing.join(", ")}`
    );
  return issues.map((i) => i.stored.kind === "found" ? verdicts.shift() : skipped(i, where.warn));
}
async function listIssues(inputs, shard, where) {
  const [{ createClient }, { listOwnedIssues }, { messageOf: messageOf2 }] = await Promise.all([
    import("./client-KD3IS3NV.js"),
    import("./verify-issues-JTJJZ3SH.js"),
    import("./failure-6LZX3ZCA.js")
  ]);
  const { owner, repo: name, apiUrl } = apiTarget(where.env);
  const repo = { owner, repo: name };
  const client = createClient(inputs.token, apiUrl, void 0, where.log, where.debug, where.usage);
  try {
    return {
      client,
      repo,
      issues: await listOwnedIssues(client, repo, inputs.labels[0], shard)
    };
  } catch (error) {
    where.warn(
      "Verification",
      `Could not list the open issues to verify (${messageOf2(error)}); none was verified this run.`
    );
    return null;
  }
}
function recheckOpenIssues(inputs, config, where) {
  return where.group("Verification", async () => {
    const started = Date.now();
    const budgetSeconds = inputs.durationSeconds * VERIFY_SHARE;
    const listed2 = await listIssues(inputs, inputs.shard, where);
    if (!listed2) return null;
    const { issues } = listed2;
    where.log(
      `verifying ${issues.length} open issues of shard ${inputs.shard.index}/${inputs.shard.count} within ${budgetSeconds.toFixed(0)} s`
    );
    const rechecks = await recheckIssues(issues, config, started + budgetSeconds * 1e3, where);
    for (const [k, { number }] of issues.entries()) {
      const r = rechecks[k];
      where.log(`#${number}: ${r.verdict}${r.reason ? ` (${r.reason})` : ""}`);
    }
    const seconds = Math.round((Date.now() - started) / 100) / 10;
    return { ...listed2, budgetSeconds, seconds, rechecks };
  });
}
function foundAgain(issue, result, links) {
  return result.findings.some((f) => f.fingerprint === issue.fingerprint) || [...links.values()].some((l) => l.number === issue.number);
}
function overruled(decided, run) {
  return decided.map(
    (d) => d.verdict === "fixed" && foundAgain(d.issue, run.result, run.links) ? { ...d, verdict: "reproduces", reason: "found again by this run's fuzzing" } : d
  );
}
async function reportVerdicts(target, decided, settings, run, where) {
  let actions = decided.map(() => "none");
  if (settings.write) {
    const { applyVerdicts } = await import("./verify-issues-JTJJZ3SH.js");
    const context = {
      closeFixed: settings.closeFixed,
      runUrl: run.runUrl,
      instar: run.result.versions.instar,
      commit: where.env.GITHUB_SHA ?? "",
      date: (/* @__PURE__ */ new Date()).toISOString().slice(0, 10)
    };
    const applied = await applyVerdicts(target.client, target.repo, decided, context, where.signal);
    for (const w of applied.warnings) where.warn("Verification", w);
    actions = applied.actions;
  }
  const issues = decided.map((d, k) => ({
    number: d.issue.number,
    url: d.issue.url,
    fingerprint: d.issue.fingerprint,
    verdict: d.verdict,
    tries: d.tries,
    ...d.reason ? { reason: d.reason } : {},
    action: actions[k]
  }));
  const { closeFixed, write, budgetSeconds, seconds } = settings;
  return { closeFixed, written: write, budgetSeconds, seconds, issues };
}
function settleVerification(pending, inputs, run, where, write = true) {
  return where.group("Verification results", () => {
    const decided = overruled(
      pending.issues.map((issue, k) => ({ issue, ...pending.rechecks[k] })),
      run
    );
    const { budgetSeconds, seconds } = pending;
    const settings = { closeFixed: inputs.closeFixed, write, budgetSeconds, seconds };
    return reportVerdicts(pending, decided, settings, run, where);
  });
}
function applyNightVerdicts(shardReport, inputs, run, where) {
  return where.group("Verification results", async () => {
    const listed2 = await listIssues(inputs, { index: 1, count: 1 }, where);
    if (!listed2) return null;
    const open5 = new Map(listed2.issues.map((i) => [i.number, i]));
    const decided = overruled(
      shardReport.issues.flatMap((v) => {
        const issue = open5.get(v.number);
        return issue ? [{ issue, verdict: v.verdict, tries: v.tries, reason: v.reason }] : [];
      }),
      run
    );
    const settings = {
      closeFixed: inputs.closeFixed,
      write: true,
      budgetSeconds: shardReport.budgetSeconds,
      seconds: shardReport.seconds
    };
    return reportVerdicts(listed2, decided, settings, run, where);
  });
}

// src/app/pipeline.ts
async function setUpMachine(inputs, ports) {
  const machine = { debug: ports.debug };
  const qemu = await ports.group(
    "Reference qemu-img",
    () => provisionQemu(inputs.qemuImg, ports.log, {
      ...machine,
      warn: (line2) => ports.annotate("warning", "qemu-img", line2)
    })
  );
  if (!ports.prepareKvm) return { qemu, setupNotes: [...qemu.notes], kvmProblem: null };
  const kvm = await ports.group("KVM", () => prepareKvm(ports.log, machine));
  const problem = kvm.state === "missing" || kvm.state === "inaccessible";
  return { qemu, setupNotes: [...qemu.notes, kvm.note], kvmProblem: problem ? kvm.note : null };
}
async function fuzz(inputs, qemu, ports, warn) {
  const seed = inputs.seed ?? randomMasterSeed();
  ports.seedChosen?.(seed);
  ports.log(
    `seed: ${seed} \xB7 operations: ${inputs.operations.join(", ")} \xB7 duration ${inputs.durationSeconds} s \xB7 jobs ${inputs.jobs} \xB7 shard ${inputs.shard.index}/${inputs.shard.count}`
  );
  const { signal } = cancelOnSignals(ports.log);
  const coverage = await ports.group(
    "Coverage map",
    () => startCoverage(inputs, ports.env, ports.log, (m) => warn("Coverage", m))
  );
  const config = {
    ...campaignConfig(inputs, qemu, seed, signal, ports.log, ports.env),
    steering: steeringFrom(coverage.info.weights)
  };
  const verifying = inputs.verifyOpen && Boolean(inputs.token && ports.env.GITHUB_REPOSITORY);
  const usage = { requests: 0 };
  const pending = verifying ? await recheckOpenIssues(inputs, config, { ...ports, warn, usage }) : null;
  const result = await ports.group("Campaign", () => runCampaign(timeLeft(config, pending)));
  ports.log(
    `campaign done: ${result.iterations} iterations, ${result.divergences} divergences, ${result.findings.length} findings, ${result.inconclusive.total} inconclusive`
  );
  return { seed, result, pending, signal, coverage, verificationRequests: usage };
}
async function deliver(inputs, setup, fuzzed, ports, warnings) {
  const { result, pending, signal } = fuzzed;
  const { warn } = warnings;
  const dryRun = dryRunReason(inputs, ports.env);
  if (dryRun) warn("Dry run", dryRun);
  for (const problem of result.problems) warn("Disk full", problem, "error");
  for (const w of result.warnings ?? []) warn("Tools", w);
  const wanted = inputs.fileIssues && dryRun === null;
  const filing = wanted && !signal.aborted;
  if (wanted && !filing && result.findings.length > 0) warn("Cancelled", cancelledRun(result));
  const state = {
    links: unfiledLinks(result.findings, wanted),
    artifact: null,
    verification: null,
    filingRequests: 0
  };
  const infoNow = () => runInfo(inputs, setup.qemu, result, {
    instarPath: ports.instarPath,
    runUrl: runUrl(ports.env),
    setupNotes: setup.setupNotes,
    warnings: [...warnings.list],
    verification: state.verification,
    artifact: state.artifact,
    apiRequests: state.filingRequests + fuzzed.verificationRequests.requests,
    coverage: fuzzed.coverage.info
  });
  const guard = reportGuard(inputs.reportDir, result, (line2) => warn("Reports", line2, "error"));
  const saveReports = () => guard(() => writeReports(inputs.reportDir, result, state.links, infoNow()));
  const settle = (write) => {
    const run = { result, links: state.links, runUrl: runUrl(ports.env) };
    return settleVerification(pending, inputs, run, { ...ports, warn, signal }, write);
  };
  if (pending && !filing) state.verification = await settle(false);
  await ports.group("Reports", saveReports);
  const reproducers = await saveReproducers(inputs, setup.qemu, result, ports, warn);
  const artifactName = shardArtifactName(inputs.artifactName, inputs.shard);
  state.artifact = await shipReports(inputs, artifactName, ports, warn);
  if (filing && result.findings.length > 0) {
    const report = { result, info: infoNow(), seed: fuzzed.seed };
    const filed = await fileIssues(inputs, report, ports, { signal, warn });
    state.links = new Map([...state.links, ...filed.links]);
    state.filingRequests += filed.requests;
    await saveReports();
  }
  if (pending && filing) {
    state.verification = await settle(true);
    await saveReports();
  }
  if (result.coverage)
    await saveCoverage(fuzzed.coverage, result.coverage, ports, (m) => warn("Coverage", m));
  return { ...state, reproducers, info: infoNow() };
}
async function saveReproducers(inputs, qemu, result, ports, warn) {
  if (result.findings.length === 0) return /* @__PURE__ */ new Map();
  const { reproducers, warning } = await ports.group(
    "Reproducers",
    () => writeReproducers(inputs.reportDir, result.findings, {
      paths: { instar: inputs.instar, qemuImg: qemu.qemuImg, qemuIo: qemu.qemuIo },
      qemuVersion: qemu.version,
      timeoutSeconds: inputs.timeoutSeconds
    })
  );
  if (warning) warn("Reproducers", warning);
  return reproducers;
}
async function runPipeline(inputs, ports) {
  const { warn, warnings } = warningList(ports);
  ports.debug?.(`inputs: ${JSON.stringify({ ...inputs, token: inputs.token ? "***" : "" })}`);
  const { qemu, setupNotes, kvmProblem } = await setUpMachine(inputs, ports);
  warnings.push(...qemu.warnings);
  if (kvmProblem) warn("KVM", kvmProblem);
  const fuzzed = await fuzz(inputs, qemu, ports, warn);
  const { links, verification, reproducers, info: info3 } = await deliver(
    inputs,
    { qemu, setupNotes },
    fuzzed,
    ports,
    {
      list: warnings,
      warn
    }
  );
  const cancelled = fuzzed.signal.aborted;
  const report = {
    inputs,
    seed: fuzzed.seed,
    qemu,
    result: fuzzed.result,
    info: info3,
    links,
    verification,
    reproducers,
    warnings: [...warnings],
    cancelled,
    failure: cancelled ? "the run was cancelled" : failure(inputs, fuzzed.result, links)
  };
  announce(report, ports);
  return report;
}

// src/findings/job-summary.ts
var CELL = 600;
function cell(text) {
  const short = text.length > CELL ? `${text.slice(0, CELL)}\u2026` : text;
  return prose(short).replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
}
function code(text) {
  return text === "" ? "" : `\`${text.replace(/`/g, "'")}\``;
}
function issueCell(link) {
  if (!link) return "dry-run";
  if (link.url && link.number !== null) return `[#${link.number}](${link.url}) ${link.action}`;
  return link.action;
}
function meaning(type) {
  return isFindingType(type) ? FINDING_TYPES[type].meaning : "";
}
function headline(result) {
  const n = result.findings.length;
  const words = n === 0 ? "no divergences" : `${n} finding${n === 1 ? "" : "s"} (${result.divergences} divergent runs)`;
  const rate = result.elapsedSeconds > 0 ? result.iterations / result.elapsedSeconds * 60 : 0;
  return [
    `## instar-diff-fuzz: ${words}`,
    "",
    `Seed ${code(String(result.seed))} \xB7 shard ${result.shard} \xB7 ${result.iterations} iterations in ${formatDuration(result.elapsedSeconds)} (${rate.toFixed(1)}/min) \xB7 stopped by ${result.stoppedBy}`,
    ""
  ];
}
function totals(result, links, run) {
  const issues = issueCounts(links.values());
  const lines = [
    `instar: ${inlineCode(result.versions.instar)} \xB7 reference: ${inlineCode(result.versions.qemuImg)} at ${code(run.qemuImg.path)} (${run.qemuImg.source}${run.qemuImg.cacheHit ? ", cache hit" : ""}, ${run.qemuImg.seconds.toFixed(1)} s)`,
    "",
    "| iterations | divergences | findings | inconclusive | new issues | updated issues |",
    "| ---: | ---: | ---: | ---: | ---: | ---: |",
    `| ${result.iterations} | ${result.divergences} | ${result.findings.length} | ${result.inconclusive.total} | ${issues.created} | ${issues.updated} |`,
    ""
  ];
  const artifact = run.artifact;
  if (artifact) {
    const name = artifact.url ? `[${cell(artifact.name)}](${artifact.url})` : code(artifact.name);
    lines.push(`Reports: ${name} (${Math.ceil(artifact.bytes / 1024)} KiB)`, "");
  }
  for (const w of run.warnings) lines.push(`> [!WARNING]`, `> ${cell(w)}`, "");
  return lines;
}
function chart(result) {
  const runs = Object.values(result.operations).reduce((a, o) => a + o.runs, 0);
  if (runs === 0) return [];
  const agreed = runs - result.divergences - result.inconclusive.total;
  return [
    "```mermaid",
    "pie showData",
    "    title Outcomes of operation runs",
    `    "agreed" : ${Math.max(0, agreed)}`,
    `    "diverged" : ${result.divergences}`,
    `    "inconclusive" : ${result.inconclusive.total}`,
    "```",
    ""
  ];
}
function operationTable(result) {
  const lines = [
    "### Operations",
    "",
    "| operation | runs | divergences | inconclusive | seconds | seconds/run |",
    "| --- | ---: | ---: | ---: | ---: | ---: |"
  ];
  for (const [name, s] of Object.entries(result.operations))
    lines.push(
      `| ${name} | ${s.runs} | ${s.divergences} | ${s.inconclusive} | ${s.seconds.toFixed(1)} | ${s.runs ? (s.seconds / s.runs).toFixed(2) : "\u2013"} |`
    );
  return [...lines, ""];
}
function findingDetails(f) {
  const first = f.occurrences[0];
  const dims = dimensionsAcross(f.occurrences).map((d) => `${d.key}: ${describeValues(d)}`).join("; ");
  const minimised = f.status === "unminimised" ? " Minimisation was cut short: reported here, never opened as a new issue." : "";
  return [
    `<details><summary>${code(f.fingerprint)} ${f.type}: ${cell(f.evidence.summary)}</summary>`,
    "",
    `${meaning(f.type)}${minimised} First seen at seed ${first.seed}, iteration ${first.iteration}; options as drawn: ${code(first.originalOptions.join(" ")) || "none"}. Across ${f.occurrences.length} occurrence${f.occurrences.length === 1 ? "" : "s"}: ${cell(dims) || "no knobs"}.`,
    "",
    "</details>",
    ""
  ];
}
function findingTables(result, links, run) {
  if (result.findings.length === 0) return [];
  const lines = [
    "### Findings",
    "",
    "| fingerprint | type | operation | target | options | status | seen | issue | replay |",
    "| --- | --- | --- | --- | --- | --- | ---: | --- | --- |"
  ];
  for (const f of result.findings)
    lines.push(
      `| ${code(f.fingerprint)} | ${f.type} | ${f.operation} | ${f.target} | ${cell(f.options.join(" ")) || "\u2013"} | ${f.status} | ${f.occurrences.length} | ${issueCell(links.get(f.fingerprint))} | ${code(run.replayCommands[f.fingerprint] ?? "")} |`
    );
  lines.push("");
  const c = result.confirmation;
  lines.push(
    `Confirming and minimising cost ${c.confirmRuns} confirmation runs and ${c.minimiseRuns} minimisation runs; ${c.attributed} occurrences were matched to a known finding without a run.${c.skippedKnownHangs > 0 ? ` ${c.skippedKnownHangs} cases were not run: they contain a hang already found, and would only have waited out the timeout again.` : ""}`,
    ""
  );
  return [...lines, ...result.findings.flatMap(findingDetails)];
}
function inconclusiveTable(result) {
  if (result.inconclusive.total === 0) return [];
  const lines = [
    "### Inconclusive (never filed as issues)",
    "",
    "| type | count | meaning | example |",
    "| --- | ---: | --- | --- |"
  ];
  for (const [type, c] of Object.entries(result.inconclusive.byType)) {
    const sample = result.inconclusiveSamples.find((s) => s.type === type);
    const example = sample ? `${sample.operation}, seed ${sample.seed} iteration ${sample.iteration}: ${cell(sample.summary.slice(0, 200))}` : "";
    lines.push(`| ${type} | ${c} | ${meaning(type)} | ${example} |`);
  }
  return [...lines, ""];
}
function renderJobSummary(result, links, run) {
  const setup = run.setupNotes.length > 0 ? ["### Setup", "", ...run.setupNotes.map((note) => `- ${cell(note)}`), ""] : [];
  return [
    ...headline(result),
    ...totals(result, links, run),
    ...chart(result),
    ...operationTable(result),
    ...findingTables(result, links, run),
    ...inconclusiveTable(result),
    ...run.verification ? renderVerification(run.verification) : [],
    ...run.coverage && result.coverage ? coverageSection(run.coverage, result.coverage) : [],
    ...setup
  ].join("\n");
}

// src/util/debug-mode.ts
function inDebugMode(env) {
  return env.RUNNER_DEBUG === "1" || env.ACTIONS_STEP_DEBUG?.toLowerCase() === "true";
}

export {
  emptyCoverage,
  mergeCoverage,
  parseCoverage,
  isObject,
  parseJson,
  isVerificationDocument,
  verificationDocument,
  mergeVerification,
  reportFromDocument,
  writeReports,
  formatDuration,
  resourceFigures,
  largestSubset,
  FINDING_TYPES,
  isFindingType,
  keepSample,
  runCampaign,
  reproducerFor,
  steeringFrom,
  ProvisionError,
  provisionQemu,
  runUrl,
  downloadShardArtifacts,
  InputError,
  invalid,
  integerInput,
  booleanInput,
  listItems,
  reportDirInput,
  retentionDaysInput,
  artifactNameInput,
  INPUT_DEFAULTS,
  issueInputs,
  inputReader,
  parseInputs,
  readWeights,
  actionVersion,
  campaignConfig,
  replayForRun,
  warningList,
  shipReports,
  dryRunReason,
  failure,
  unfiledLinks,
  fileIssues,
  cancelledRun,
  reportGuard,
  announce,
  cancelOnSignals,
  applyNightVerdicts,
  runPipeline,
  renderJobSummary,
  inDebugMode
};
