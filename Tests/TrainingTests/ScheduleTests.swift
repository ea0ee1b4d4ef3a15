import Numerics
import StateSpace
import Testing
import Training

@Suite("Learning-rate schedules")
struct ScheduleTests {
  @Test func constant() {
    #expect(ConstantSchedule().factor(atStep: 0) == 1)
    #expect(ConstantSchedule(0.3).factor(atStep: 12345) == 0.3)
  }

  @Test func warmupThenCosine() {
    // w = 10, T = 110, f = 0.1: linear s/10 up to 10, then 0.1 + 0.9·½(1 + cos(π(s − 10)/100)).
    let schedule: WarmupCosineDecay = .warmupCosine(warmupSteps: 10, totalSteps: 110, finalFactor: 0.1)
    let expected: [(Int, Double)] = [
      (0, 0), (1, 0.1), (5, 0.5), (9, 0.9), (10, 1),
      (35, 0.1 + 0.9 * 0.5 * (1 + 0.5.squareRoot())),  // a quarter of the way: cos(π/4)
      (60, 0.55),  // half way: cos(π/2) = 0
      (85, 0.1 + 0.9 * 0.5 * (1 - 0.5.squareRoot())),
      (110, 0.1), (500, 0.1),
    ]
    for (step, value) in expected {
      #expect(abs(schedule.factor(atStep: step) - value) < 1e-12, "step \(step)")
    }
  }

  @Test func cosineWithoutWarmupStartsAtOne() {
    let schedule = WarmupCosineDecay(warmupSteps: 0, totalSteps: 4)
    let values = (0...4).map { schedule.factor(atStep: $0) }
    let expected = [1, 0.5 + 0.5 * 0.5.squareRoot(), 0.5, 0.5 - 0.5 * 0.5.squareRoot(), 0]
    for (value, reference) in zip(values, expected) { #expect(abs(value - reference) < 1e-12) }
  }

  @Test func stepDecay() {
    let schedule: StepDecay = .stepDecay(every: 30, by: 0.1)
    let expected: [(Int, Double)] = [(0, 1), (29, 1), (30, 0.1), (59, 0.1), (60, 0.01), (95, 0.001)]
    for (step, value) in expected {
      #expect(abs(schedule.factor(atStep: step) - value) < 1e-15, "step \(step)")
    }
  }

  @Test func optimizerAppliesTheScheduleAtItsStepCount() {
    let p = Parameter<Double>(name: "p", value: Tensor(shape: [1], scalars: [0]))
    var optimizer = SGD<Double>(learningRate: 1)
    let schedule = StepDecay(stepSize: 2, decay: 0.5)
    var expected = 0.0
    for step in 0..<5 {
      optimizer.apply(schedule)
      #expect(optimizer.learningRateScale == Double.pow(0.5, Double(step / 2)))
      optimizer.update([p], with: fixedGradients([(p, Tensor(shape: [1], scalars: [1]))]))
      expected -= Double.pow(0.5, Double(step / 2))
      #expect(p.value.scalars[0] == expected)
    }
  }

  @Test func plateauReducesAfterPatienceRunsOut() {
    var plateau = ReduceOnPlateau(reduction: 0.5, patience: 2)
    // 1.0 best; 0.9 better; then three observations that do not improve: the third exceeds
    // patience 2 and halves the factor; the counter restarts.
    let metrics = [1.0, 0.9, 0.95, 0.9, 0.92, 0.91, 0.93, 0.99]
    let reduced = metrics.map { plateau.observe($0) }
    #expect(reduced == [false, false, false, false, true, false, false, true])
    #expect(plateau.factor == 0.25)
    #expect(plateau.best == 0.9)
  }

  @Test func plateauThresholdCooldownAndFloor() {
    // A 1 % relative threshold: 0.995 is not an improvement on 1.0, 0.98 is.
    var plateau = ReduceOnPlateau(
      reduction: 0.1, patience: 0, threshold: 0.01, cooldown: 1, minimumFactor: 0.05)
    // 1.0: first; 0.995: bad, patience 0, reduce to 0.1, cooldown 1; 0.999: in cooldown, not
    // counted; 0.98: an improvement; 0.99: reduce, but not below 0.05; 0.99: cooldown;
    // 0.99: at the floor, nothing left to reduce.
    let metrics = [1.0, 0.995, 0.999, 0.98, 0.99, 0.99, 0.99]
    var reduced: [Bool] = []
    var factors: [Double] = []
    for metric in metrics {
      reduced.append(plateau.observe(metric))
      factors.append(plateau.factor)
    }
    #expect(reduced == [false, true, false, false, true, false, false])
    #expect(factors == [1, 0.1, 0.1, 0.1, 0.05, 0.05, 0.05])
  }

  @Test func plateauInMaximizeMode() {
    var plateau = ReduceOnPlateau(mode: .maximize, reduction: 0.5, patience: 1)
    let reduced = [0.5, 0.6, 0.6, 0.55, 0.7].map { plateau.observe($0) }
    #expect(reduced == [false, false, false, true, false])
    #expect(plateau.best == 0.7)
    #expect(plateau.factor == 0.5)
  }

  @Test func plateauCountsNaNAsNoImprovement() {
    var plateau = ReduceOnPlateau(reduction: 0.5, patience: 0)
    let first = plateau.observe(1)
    let second = plateau.observe(.nan)
    #expect(!first && second)
    #expect(plateau.best == 1)
  }
}
