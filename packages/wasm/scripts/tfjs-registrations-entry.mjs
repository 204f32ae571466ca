import '#gradients';
import '#chained';
