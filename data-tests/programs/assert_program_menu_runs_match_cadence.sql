-- runs_per_quarter must agree with the cadence: weekly 13, monthly 3,
-- quarterly 1, once 1; unit costs are not negative.
select *
from {{ ref('program_menu') }}
where
    runs_per_quarter != case cadence when 'weekly' then 13 when 'monthly' then 3 else 1 end
    or unit_cost_usd < 0
